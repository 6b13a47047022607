import type { Dossier } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { duration, escapeHtml, html, outcomeInWords, reasonInWords, renderPacket } from './compliance-review.packet.js';
import { packageDossier } from './compliance-review.service.js';

const actor = { kind: 'user', id: 'u1', label: 'rev@example.com' };
const EVIL = '<script>alert("x")</script>';

function dossier(): Dossier {
  return {
    phone: '+12125550101',
    generatedAt: '2026-03-20T09:00:00.000Z',
    consents: [
      {
        id: 'c1',
        phone: '+12125550101',
        type: 'PEWC',
        disclosure: {
          text: `I agree ${EVIL} & accept.`,
          sha256: 'a'.repeat(64),
          authorizesArtificialVoice: true,
          notConditionOfPurchase: false,
        },
        capturedAt: '2026-01-05T15:00:00.000Z',
        pageUrl: 'https://acme.example/quote?a=1&b=2',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
        signature: { method: 'checkbox_submit', affirmative: true },
        written: true,
        sellers: ['Acme Solar LLC'],
        scope: null,
        certificateUrl: null,
        source: 'api',
        elements: [
          { element: 'E1', ok: true, detail: 'stored in writing' },
          { element: 'E7', ok: false, subCode: 'CONSENT_DISCLOSURE_INCOMPLETE', detail: 'no "not a condition"' },
        ],
        valid: false,
        status: 'disputed',
        dispute: { id: 'd1', reason: `denied ${EVIL}`, disputedBy: actor, disputedAt: '2026-02-01T00:00:00.000Z' },
        createdBy: actor,
        createdAt: '2026-01-05T15:00:01.000Z',
      },
    ],
    revocations: [],
    internalDnc: [],
    registries: {
      national: { list: 'national', snapshotId: null, obtainedAt: null, listed: null, ageHours: null, fresh: false },
      states: [],
    },
    decisions: [
      {
        id: 'dec1',
        seq: 4,
        phone: '+12125550101',
        purpose: 'TELEMARKETING',
        mode: 'SCHEDULE',
        dryRun: false,
        outcome: 'BLOCKED_CONSENT_INVALID',
        nextAllowedAt: null,
        reasons: [
          { check: 'C10', code: 'CONSENT_INVALID', subCode: 'CONSENT_DISCLOSURE_INCOMPLETE', detail: `d ${EVIL}` },
        ],
        zones: ['America/New_York'],
        states: ['NY'],
        ruleSetVersion: '2026.1',
        dncSnapshotIds: { national: 'snap-1' },
        callId: null,
        campaignId: null,
        input: {},
        hash: 'f'.repeat(64),
        createdAt: '2026-03-01T00:00:00.000Z',
      },
    ],
    attempts: [],
    timeline: [{ at: '2026-01-05T15:00:00.000Z', type: 'consent.captured', id: 'c1', summary: `x ${EVIL}` }],
  };
}

describe('the printable evidence packet', () => {
  it('escapes what it interpolates, and only that', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    // called through an alias: a tag named `html` is reformatted as markup by prettier
    const tag = html;
    expect(tag`<p>${EVIL}</p>`.toString()).toBe('<p>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</p>');
    expect(tag`<ul>${['<i>', tag`<li>${'&'}</li>`]}</ul>`.toString()).toBe('<ul>&#60;i&#62;<li>&#38;</li></ul>');
    expect(tag`${null}${undefined}${3}${false}`.toString()).toBe('3false');
  });

  it('puts decisions in plain words', () => {
    expect([0, 42, 303, 7500, 21_950_932].map(duration)).toEqual([
      '0 s',
      '42 s',
      '5 min 3 s',
      '2 h 5 min',
      '254 d 1 h',
    ]);
    expect(outcomeInWords('ALLOWED', null)).toBe('Allowed: the call could be placed.');
    expect(outcomeInWords('DEFERRED', '2026-03-10T13:00:00Z')).toBe('Deferred: not before 2026-03-10T13:00:00Z.');
    expect(outcomeInWords('BLOCKED_DNC_NATIONAL', null)).toMatch(/^Blocked: The number is on the National/);
    expect(
      reasonInWords({ check: 'C10', code: 'CONSENT_INVALID', subCode: 'CONSENT_NUMBER_MISMATCH', detail: '' }),
    ).toBe('The consent on file is not valid for this call: it is not for the number called.');
    expect(reasonInWords({ check: 'C99', code: 'SOMETHING_NEW', detail: '' })).toBe('SOMETHING_NEW.');
  });

  it('renders every value escaped, with the manifest of the JSON export', () => {
    const d = dossier();
    const manifest = packageDossier(d).manifest;
    const page = renderPacket(d, manifest, {
      organization: 'Acme & <Sons>',
      sellerLegalName: 'Acme Solar LLC',
      generatedBy: 'rev@example.com (user)',
      ruleSetVersion: '2026.1',
    });
    expect(page).not.toMatch(/<script|\s(src|href)=/);
    expect(page).toContain('Acme &#38; &#60;Sons&#62;');
    expect(page).toContain('I agree &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; accept.');
    expect(page).toContain('https://acme.example/quote?a=1&#38;b=2');
    expect(page).toContain('Discloses that consent is not a condition of purchase');
    expect(page).toContain('The consent on file is not valid for this call: its disclosure is incomplete.');
    expect(page).toContain('snap-1');
    for (const file of manifest.files) expect(page).toContain(file.sha256);
    expect(page).toContain('No revocation.');
  });
});
