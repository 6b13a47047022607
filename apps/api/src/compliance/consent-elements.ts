import { createHash } from 'node:crypto';
import { CONSENT_ELEMENTS, parsePhone } from '@switchboard/compliance';
import type { ConsentElementResult } from '@switchboard/contracts';

/** The evidence the elements are judged on, as it is stored. */
export interface ConsentEvidence {
  type: 'PEWC' | 'PEC';
  phone: string;
  written: boolean;
  signatureAffirmative: boolean;
  sellers: string[];
  sellerLegalName: string;
  authorizesArtificialVoice: boolean;
  disclosureText: string;
  notConditionOfPurchase: boolean;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The validation results stored with a consent when it is recorded: E1–E8 of COMPLIANCE.md judged as
 * a PEWC for artificial-voice telemarketing by this seller. They are the reviewer's record of what the
 * evidence showed; the gate does not read them — it hands the evidence itself to `evaluate`, which
 * judges each call (purpose, seller, number) on its own.
 */
export function consentElementResults(e: ConsentEvidence): ConsentElementResult[] {
  const seller = e.sellerLegalName.trim().toLowerCase();
  const phone = parsePhone(e.phone);
  const results: Record<(typeof CONSENT_ELEMENTS)[number], [boolean, string, string]> = {
    E1: [e.written, 'CONSENT_NOT_WRITTEN', e.written ? 'stored verbatim in writing' : 'not stored in writing'],
    E2: [
      e.signatureAffirmative,
      'CONSENT_NOT_SIGNED',
      e.signatureAffirmative ? 'signed by an affirmative act' : 'not signed by an affirmative act',
    ],
    E3: [
      e.sellers.some((s) => s.trim().toLowerCase() === seller),
      'CONSENT_SELLER_MISMATCH',
      `names ${e.sellers.length} seller(s); must include ${e.sellerLegalName}`,
    ],
    E4: [
      e.authorizesArtificialVoice,
      'CONSENT_SCOPE_INSUFFICIENT',
      e.authorizesArtificialVoice
        ? 'authorises artificial/prerecorded-voice calls'
        : 'does not authorise artificial or prerecorded voice calls',
    ],
    E5: [phone.ok, 'CONSENT_NUMBER_MISMATCH', phone.ok ? `for ${phone.e164}` : `number ${phone.problem}`],
    E6: [
      e.disclosureText.trim() !== '',
      'CONSENT_DISCLOSURE_INCOMPLETE',
      e.disclosureText.trim() === '' ? 'has no disclosure text' : 'disclosure text stored',
    ],
    E7: [
      e.notConditionOfPurchase,
      'CONSENT_DISCLOSURE_INCOMPLETE',
      e.notConditionOfPurchase
        ? 'discloses that consent is not a condition of purchase'
        : 'does not disclose that consent is not a condition of purchase',
    ],
    E8: [
      e.type === 'PEWC',
      'CONSENT_TYPE_INSUFFICIENT',
      e.type === 'PEWC' ? 'is a PEWC' : 'is a PEC; telemarketing needs a PEWC',
    ],
  };
  return CONSENT_ELEMENTS.map((element) => {
    const [ok, subCode, detail] = results[element];
    return ok ? { element, ok, detail } : { element, ok, subCode, detail };
  });
}
