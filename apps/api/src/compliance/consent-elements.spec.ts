import { describe, expect, it } from 'vitest';
import { consentElementResults, sha256Hex, type ConsentEvidence } from './consent-elements.js';

const valid: ConsentEvidence = {
  type: 'PEWC',
  phone: '+12125550101',
  written: true,
  signatureAffirmative: true,
  sellers: ['Acme Solar LLC', 'Other LLC'],
  sellerLegalName: '  acme solar llc ',
  authorizesArtificialVoice: true,
  disclosureText: 'I agree to artificial-voice calls. Consent is not a condition of purchase.',
  notConditionOfPurchase: true,
};

const failing = (e: ConsentEvidence) =>
  consentElementResults(e)
    .filter((r) => !r.ok)
    .map((r) => `${r.element}:${r.subCode ?? ''}`);

describe('consentElementResults', () => {
  it('a complete PEWC naming the seller passes E1–E8', () => {
    const results = consentElementResults(valid);
    expect(results.map((r) => r.element)).toEqual(['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8']);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('names each failing element with its sub-code', () => {
    expect(failing({ ...valid, written: false })).toEqual(['E1:CONSENT_NOT_WRITTEN']);
    expect(failing({ ...valid, signatureAffirmative: false })).toEqual(['E2:CONSENT_NOT_SIGNED']);
    expect(failing({ ...valid, sellers: ['Someone'] })).toEqual(['E3:CONSENT_SELLER_MISMATCH']);
    expect(failing({ ...valid, authorizesArtificialVoice: false })).toEqual(['E4:CONSENT_SCOPE_INSUFFICIENT']);
    expect(failing({ ...valid, phone: '12' })).toEqual(['E5:CONSENT_NUMBER_MISMATCH']);
    expect(failing({ ...valid, disclosureText: '  ' })).toEqual(['E6:CONSENT_DISCLOSURE_INCOMPLETE']);
    expect(failing({ ...valid, notConditionOfPurchase: false })).toEqual(['E7:CONSENT_DISCLOSURE_INCOMPLETE']);
    expect(failing({ ...valid, type: 'PEC' })).toEqual(['E8:CONSENT_TYPE_INSUFFICIENT']);
  });

  it('hashes the disclosure as SHA-256 of its UTF-8 text', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
