import type { Dossier, DossierExport, DncListStatusView, TimelineEvent } from '@switchboard/contracts';

/**
 * The printable evidence packet: one self-contained HTML page (inline CSS with print styles, no
 * script, no external URL) of a number's dossier, for a dispute or an audit. Every value goes
 * through {@link html}, which escapes whatever it interpolates unless it is markup built here.
 */

/** Markup built by this module; anything else interpolated into {@link html} is escaped. */
class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Markup | string | number | boolean | null | undefined | readonly Part[];

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(part: Part): string {
  if (part instanceof Markup) return part.value;
  if (Array.isArray(part)) return part.map((p: Part) => render(p)).join('');
  if (part === null || part === undefined) return '';
  return escapeHtml(String(part));
}

/** A tagged template whose interpolations are escaped (arrays are joined, Markup passes as is). */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Markup {
  let out = strings[0] ?? '';
  parts.forEach((part, index) => {
    out += render(part) + (strings[index + 1] ?? '');
  });
  return new Markup(out);
}

/** What the stored E1–E8 results check, in plain words (COMPLIANCE.md, "Consent"). */
export const ELEMENT_WORDS: Record<string, string> = {
  E1: 'Stored verbatim in writing',
  E2: 'Signed by an affirmative act (not a pre-checked box)',
  E3: 'Names the calling seller',
  E4: 'Authorises artificial or prerecorded voice calls',
  E5: 'Contains the number called',
  E6: 'Discloses the authorisation clearly (disclosure text present)',
  E7: 'Discloses that consent is not a condition of purchase',
  E8: 'Is prior express written consent (PEWC), as telemarketing needs',
};

/** Each reason code of a decision in plain words. */
export const REASON_WORDS: Record<string, string> = {
  INVALID_NUMBER: 'The number is not a valid US number.',
  UNSUPPORTED_DESTINATION: 'The number is not in a supported, in-service US geographic area code.',
  CALLER_ID_INVALID: 'The caller ID is not a valid number owned by the seller.',
  STATE_EMERGENCY: "A declared state of emergency bans solicitation calls in the callee's state.",
  DNC_INTERNAL: "The number is on the seller's internal Do-Not-Call list.",
  CONSENT_REVOKED: 'The consumer revoked consent for this seller.',
  DNC_DATA_STALE: 'Do-Not-Call data was missing or older than 31 days, so the call fails closed.',
  DNC_NATIONAL:
    'The number is on the National Do-Not-Call Registry and no written consent or business relationship exempts it.',
  DNC_STATE: "The number is on a state's Do-Not-Call list and no written consent or business relationship exempts it.",
  NO_CONSENT: 'No consent for this number and seller was on file.',
  CONSENT_INVALID: 'The consent on file is not valid for this call.',
  REASSIGNED_NUMBER: 'The number was reassigned to someone else after consent was given.',
  STATE_RESTRICTION: "A state law restricts this calling technology (e.g. Mississippi's recorded-voice rule).",
  OUTSIDE_HOURS: "The time is outside the permitted calling hours in the callee's local time.",
  FREQUENCY_CAP: "The state's limit of calls in 24 hours was reached.",
  NO_WINDOW: 'No permitted calling time exists in the next 14 days.',
};

const SUB_CODE_WORDS: Record<string, string> = {
  CONSENT_NOT_WRITTEN: 'it is not stored in writing',
  CONSENT_NOT_SIGNED: 'it was not signed by an affirmative act',
  CONSENT_SELLER_MISMATCH: 'it does not name the calling seller',
  CONSENT_SCOPE_INSUFFICIENT: 'it does not authorise artificial or prerecorded voice calls',
  CONSENT_NUMBER_MISMATCH: 'it is not for the number called',
  CONSENT_DISCLOSURE_INCOMPLETE: 'its disclosure is incomplete',
  CONSENT_TYPE_INSUFFICIENT: 'it is not written consent, which telemarketing needs',
};

const TIMELINE_WORDS: Record<TimelineEvent['type'], string> = {
  'consent.captured': 'Consent captured',
  'consent.disputed': 'Consent disputed',
  'revocation.received': 'Revocation received',
  'revocation.honoured': 'Revocation honoured',
  'dnc.internal.added': 'Added to internal DNC',
  'dnc.internal.removed': 'Removed from internal DNC',
  decision: 'Compliance decision',
  'call.attempt': 'Call attempt',
};

type Reason = Dossier['decisions'][number]['reasons'][number];

export function reasonInWords(reason: Reason): string {
  const base = REASON_WORDS[reason.code] ?? `${reason.code}.`;
  const sub = reason.subCode ? SUB_CODE_WORDS[reason.subCode] : undefined;
  return sub ? `${base.slice(0, -1)}: ${sub}.` : base;
}

export function outcomeInWords(outcome: string, nextAllowedAt: string | null): string {
  if (outcome === 'ALLOWED') return 'Allowed: the call could be placed.';
  if (outcome === 'DEFERRED') return `Deferred: not before ${nextAllowedAt ?? 'a later time'}.`;
  const code = outcome.replace(/^BLOCKED_/, '');
  return `Blocked: ${REASON_WORDS[code] ?? code}`;
}

export interface PacketCover {
  organization: string;
  sellerLegalName: string;
  generatedBy: string;
  ruleSetVersion: string;
}

const CSS = `
*{box-sizing:border-box}
body{font:10.5pt/1.45 "Helvetica Neue",Arial,sans-serif;color:#111;margin:0 auto;max-width:190mm;padding:12mm 8mm}
h1{font-size:18pt;margin:0 0 4mm}
h2{font-size:13pt;margin:8mm 0 3mm;padding-bottom:1mm;border-bottom:1.5pt solid #111;break-after:avoid;page-break-after:avoid}
h3{font-size:11pt;margin:5mm 0 2mm;break-after:avoid;page-break-after:avoid}
p{margin:1.5mm 0}
table{width:100%;border-collapse:collapse;margin:2mm 0 4mm;table-layout:fixed}
th,td{border:0.5pt solid #888;padding:1.2mm 1.8mm;text-align:left;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}
th{background:#eee;font-weight:600}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
table.kv th{width:32%}
.mono,code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:8.5pt;overflow-wrap:anywhere;word-break:break-all}
.verbatim{white-space:pre-wrap;border:0.8pt solid #111;background:#fafafa;padding:2.5mm 3mm;margin:2mm 0;font-family:Georgia,"Times New Roman",serif;font-size:10.5pt;overflow-wrap:anywhere;break-inside:avoid;page-break-inside:avoid}
.ok{color:#0a5a1f;font-weight:600}
.fail{color:#a00000;font-weight:600}
.muted{color:#555}
.nw{white-space:nowrap}
.cover{border:1.5pt solid #111;padding:6mm;margin-bottom:6mm}
.consent,.decision{break-inside:avoid;page-break-inside:avoid;border-top:0.5pt dashed #888;padding-top:2mm}
.note{font-size:9pt;color:#333}
@page{size:auto;margin:14mm 12mm}
@media print{body{max-width:none;padding:0;font-size:10pt}.cover{break-after:page;page-break-after:always}a{color:inherit;text-decoration:none}}
`;

const okOrFail = (ok: boolean, yes = 'holds', no = 'fails') =>
  ok ? html`<span class="ok">${yes}</span>` : html`<span class="fail">${no}</span>`;
const or = (value: string | null | undefined, fallback = '—') =>
  value === null || value === undefined ? fallback : value;
const kv = (rows: [string, Part][]) =>
  html`<table class="kv">
    <tbody>
      ${rows.map(
        ([k, v]) =>
          html`<tr>
            <th scope="row">${k}</th>
            <td>${v}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
const none = (what: string) => html`<p class="muted">No ${what}.</p>`;

/** An instant in a table cell: the ISO text intact, breakable only between date and time. */
function when(isoInstant: string | null | undefined): Markup {
  if (!isoInstant) return html`—`;
  const cut = isoInstant.indexOf('T');
  if (cut < 0) return html`${isoInstant}`;
  return new Markup(
    `<span class="nw">${escapeHtml(isoInstant.slice(0, cut + 1))}</span><wbr><span class="nw">${escapeHtml(isoInstant.slice(cut + 1))}</span>`,
  );
}

/** A delay in seconds, readable: 0 s, 42 s, 5 min 3 s, 2 h 5 min, 254 d 1 h. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60)];
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${m} min ${s % 60} s`;
}

function registryRow(view: DncListStatusView): Markup {
  const listed = view.listed === null ? 'no snapshot loaded' : view.listed ? 'LISTED' : 'not listed';
  return html`<tr>
    <td>${view.list}</td>
    <td>${view.listed ? html`<strong>${listed}</strong>` : listed}</td>
    <td class="mono">${or(view.snapshotId)}</td>
    <td>${view.obtainedAt ? when(view.obtainedAt) : '—'}</td>
    <td>${view.ageHours === null ? '—' : `${view.ageHours} h`}</td>
    <td>${okOrFail(view.fresh, 'fresh', 'stale')}</td>
  </tr>`;
}

/** The packet for one dossier; `manifest` is the JSON export's, so the checksums cross-check. */
export function renderPacket(dossier: Dossier, manifest: DossierExport['manifest'], cover: PacketCover): string {
  const internalOn = dossier.internalDnc.some((entry) => entry.removedAt === null);
  const lastRevocation = dossier.revocations.at(-1);

  const consents = dossier.consents.map(
    (consent, index) =>
      html`<div class="consent">
        <h3>Consent ${index + 1} of ${dossier.consents.length}: ${consent.type}, captured ${consent.capturedAt}</h3>
        ${kv([
          ['Consent id', html`<span class="mono">${consent.id}</span>`],
          ['Number', consent.phone],
          ['Type', consent.type === 'PEWC' ? 'PEWC (prior express written consent)' : 'PEC (prior express consent)'],
          ['Captured at', consent.capturedAt],
          ['Page URL', or(consent.pageUrl)],
          ['IP address', or(consent.ip)],
          ['User agent', or(consent.userAgent)],
          [
            'Signature',
            `${consent.signature.method}; ${consent.signature.affirmative ? 'affirmative act' : 'NOT an affirmative act'}`,
          ],
          ['Stored in writing', consent.written ? 'yes' : 'no'],
          ['Sellers named', consent.sellers.join('; ')],
          ['Scope', or(consent.scope)],
          ['Certificate URL', or(consent.certificateUrl)],
          ['Authorises artificial voice', consent.disclosure.authorizesArtificialVoice ? 'yes' : 'no'],
          ['States consent is not a condition of purchase', consent.disclosure.notConditionOfPurchase ? 'yes' : 'no'],
          ['Source', consent.source],
          ['Recorded by', `${consent.createdBy.label} at ${consent.createdAt}`],
          [
            'Status',
            consent.dispute
              ? html`<span class="fail">DISPUTED</span> on ${consent.dispute.disputedAt} by
                  ${consent.dispute.disputedBy.label}: ${consent.dispute.reason}`
              : 'active (not disputed)',
          ],
        ])}
        <p><strong>Disclosure text, verbatim:</strong></p>
        <div class="verbatim">${consent.disclosure.text}</div>
        <p>SHA-256 of the disclosure text: <span class="mono">${consent.disclosure.sha256}</span></p>
        <table>
          <thead>
            <tr>
              <th style="width:8%">Element</th>
              <th style="width:42%">Requirement</th>
              <th style="width:12%">Result</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            ${consent.elements.map(
              (element) =>
                html`<tr>
                  <td>${element.element}</td>
                  <td>${ELEMENT_WORDS[element.element] ?? element.element}</td>
                  <td>${okOrFail(element.ok)}</td>
                  <td>
                    ${element.detail}${element.subCode ? html` <span class="mono">(${element.subCode})</span>` : ''}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <p>
          Overall:
          ${
            consent.valid
              ? html`<span class="ok">every element E1–E8 holds</span>`
              : html`<span class="fail"
                  >fails
                  ${consent.elements
                    .filter((e) => !e.ok)
                    .map((e) => e.element)
                    .join(', ')}</span
                >`
          }${consent.dispute ? html`; <span class="fail">disputed, so it does not authorise calls</span>` : ''}.
        </p>
      </div>`,
  );

  const disputes = dossier.consents.filter((consent) => consent.dispute !== null);

  const decisions = dossier.decisions.map(
    (decision) =>
      html`<div class="decision">
        <h3>${decision.createdAt}: ${decision.outcome}${decision.dryRun ? ' (dry run)' : ''}</h3>
        ${kv([
          [
            'Outcome',
            html`<strong>${outcomeInWords(decision.outcome, decision.nextAllowedAt)}</strong>
              <span class="mono">${decision.outcome}</span>`,
          ],
          [
            'Reasons',
            decision.reasons.length === 0
              ? 'none: every check passed'
              : html`<ul>
                  ${decision.reasons.map((reason) => html`<li>${reasonInWords(reason)} <span class="muted">(${reason.check} ${reason.code}${reason.subCode ? ` / ${reason.subCode}` : ''}: ${reason.detail})</span></li>`)}
                </ul>`,
          ],
          ['Mode / purpose', `${decision.mode} / ${decision.purpose}`],
          ['Next allowed at', or(decision.nextAllowedAt)],
          ['States / time zones', `${decision.states.join(', ') || '—'} / ${decision.zones.join(', ') || '—'}`],
          ['Rule-set version', decision.ruleSetVersion],
          [
            'DNC snapshot ids',
            Object.keys(decision.dncSnapshotIds).length === 0
              ? '—'
              : html`${Object.entries(decision.dncSnapshotIds).map(([list, id]) => html`${list}: <span class="mono">${id}</span><br />`)}`,
          ],
          ['Campaign / call', `${or(decision.campaignId)} / ${or(decision.callId)}`],
          ['Audit log', html`entry ${decision.seq}, id <span class="mono">${decision.id}</span>`],
          ['Hash', html`<span class="mono">${decision.hash}</span>`],
        ])}
      </div>`,
  );

  const body = html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Compliance evidence packet — ${dossier.phone}</title>
        <style>
          ${new Markup(CSS)}
        </style>
      </head>
      <body>
        <section class="cover">
          <h1>Compliance evidence packet</h1>
          ${kv([
            ['Number', html`<strong>${dossier.phone}</strong>`],
            ['Organisation', cover.organization],
            ['Seller legal name', cover.sellerLegalName],
            ['Generated at', dossier.generatedAt],
            ['Generated by', cover.generatedBy],
            ['Rule-set version (current)', cover.ruleSetVersion],
            [
              'Contents',
              `${dossier.consents.length} consent(s), ${disputes.length} dispute(s), ${dossier.revocations.length} revocation(s), ${dossier.internalDnc.length} internal DNC entr${dossier.internalDnc.length === 1 ? 'y' : 'ies'}, ${dossier.decisions.length} decision(s), ${dossier.attempts.length} call attempt(s), ${dossier.timeline.length} timeline event(s)`,
            ],
          ])}
          <p class="note">
            Evidence as recorded by Switchboard: consent elements E1–E8 as evaluated when each consent was recorded,
            decisions as logged in the hash-chained audit log. The manifest at the end gives the SHA-256 of each part of
            the JSON export of this dossier (<code>JSON.stringify</code> of the part, UTF-8), so this packet can be
            checked against it. This is a record of evidence, not legal advice.
          </p>
        </section>

        <h2>1. Consent evidence</h2>
        ${consents.length ? consents : none('consent on file for this number')}

        <h2>2. Disputes</h2>
        ${
          disputes.length
            ? html`<table>
                <thead>
                  <tr>
                    <th>Consent</th>
                    <th>Disputed at</th>
                    <th>By</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  ${disputes.map(
                    (consent) =>
                      html`<tr>
                        <td class="mono">${consent.id}</td>
                        <td>${when(consent.dispute?.disputedAt)}</td>
                        <td>${consent.dispute?.disputedBy.label}</td>
                        <td>${consent.dispute?.reason}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : none('dispute')
        }

        <h2>3. Revocations</h2>
        ${
          dossier.revocations.length
            ? html`<table>
                <thead>
                  <tr>
                    <th style="width:11%">Channel</th>
                    <th>Words, verbatim</th>
                    <th style="width:19%">Received</th>
                    <th style="width:19%">Honoured</th>
                    <th style="width:10%">Delay</th>
                  </tr>
                </thead>
                <tbody>
                  ${dossier.revocations.map(
                    (revocation) =>
                      html`<tr>
                        <td>${revocation.channel}</td>
                        <td>
                          <div class="verbatim">${revocation.words || '(no words recorded)'}</div>
                          <span class="muted"
                            >id
                            <span class="mono">${revocation.id}</span
                            >${revocation.callId ? `, call ${revocation.callId}` : ''}, recorded by
                            ${revocation.createdBy.label}</span
                          >
                        </td>
                        <td>${when(revocation.receivedAt)}</td>
                        <td>${when(revocation.honouredAt)}</td>
                        <td>
                          ${duration((Date.parse(revocation.honouredAt) - Date.parse(revocation.receivedAt)) / 1000)}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : none('revocation')
        }

        <h2>4. Internal Do-Not-Call list</h2>
        ${
          dossier.internalDnc.length
            ? html`<table>
                <thead>
                  <tr>
                    <th>Added</th>
                    <th>Requested</th>
                    <th>Source / reason</th>
                    <th>Removed</th>
                  </tr>
                </thead>
                <tbody>
                  ${dossier.internalDnc.map(
                    (entry) =>
                      html`<tr>
                        <td>${when(entry.createdAt)}<br /><span class="muted">by ${entry.createdBy.label}</span></td>
                        <td>${when(entry.requestedAt)}</td>
                        <td>${entry.source}${entry.reason ? html`: ${entry.reason}` : ''}</td>
                        <td>
                          ${entry.removedAt ? html`${when(entry.removedAt)}<br /><span class="muted">by ${entry.removedBy?.label ?? 'unknown'}: ${entry.removalReason ?? ''}</span>` : 'still listed'}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : none('internal DNC entry')
        }

        <h2>5. Current Do-Not-Call status</h2>
        ${kv([
          [
            'Internal list',
            internalOn ? html`<strong class="fail">ON the internal list</strong>` : 'not on the internal list',
          ],
          ['Consent revoked', lastRevocation ? `yes, last on ${lastRevocation.receivedAt}` : 'no revocation on file'],
        ])}
        <table>
          <thead>
            <tr>
              <th style="width:12%">List</th>
              <th style="width:16%">Status</th>
              <th>Snapshot</th>
              <th style="width:22%">Obtained</th>
              <th style="width:10%">Age</th>
              <th style="width:9%">Fresh</th>
            </tr>
          </thead>
          <tbody>
            ${registryRow(dossier.registries.national)}${dossier.registries.states.map(registryRow)}
          </tbody>
        </table>
        <p class="note">
          As of ${dossier.generatedAt}. A list is fresh when its snapshot was obtained at most 31 × 24 hours earlier;
          telemarketing calls fail closed otherwise.
        </p>

        <h2>6. Compliance decisions</h2>
        ${decisions.length ? decisions : none('logged decision')}
        <p class="note">The evaluator input of each decision is in <code>decisions.json</code> of the JSON export.</p>

        <h2>7. Call attempts</h2>
        ${
          dossier.attempts.length
            ? html`<table>
                <thead>
                  <tr>
                    <th>At</th>
                    <th>Subject</th>
                    <th>Call</th>
                    <th>Caller ID</th>
                  </tr>
                </thead>
                <tbody>
                  ${dossier.attempts.map(
                    (attempt) =>
                      html`<tr>
                        <td>${when(attempt.attemptedAt)}</td>
                        <td>${or(attempt.subject)}</td>
                        <td>${or(attempt.callId)}</td>
                        <td>${or(attempt.callerId)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : none('call attempt')
        }

        <h2>8. Timeline</h2>
        ${
          dossier.timeline.length
            ? html`<table>
                <thead>
                  <tr>
                    <th style="width:22%">At</th>
                    <th style="width:20%">Event</th>
                    <th>What happened</th>
                  </tr>
                </thead>
                <tbody>
                  ${dossier.timeline.map(
                    (event) =>
                      html`<tr>
                        <td>${when(event.at)}</td>
                        <td>${TIMELINE_WORDS[event.type]}</td>
                        <td>${event.summary}<br /><span class="muted mono">${event.id}</span></td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : none('event')
        }

        <h2>9. Manifest</h2>
        <p>
          SHA-256 checksums of the parts of the JSON export (<code>format=json</code>) of this dossier, each over the
          UTF-8 of <code>JSON.stringify(parts[name])</code>. Generated at ${manifest.generatedAt} for ${manifest.phone}.
        </p>
        <table id="manifest">
          <thead>
            <tr>
              <th style="width:20%">Part</th>
              <th>SHA-256</th>
              <th style="width:12%">Bytes</th>
            </tr>
          </thead>
          <tbody>
            ${manifest.files.map(
              (file) =>
                html`<tr>
                  <td>${file.name}</td>
                  <td class="mono">${file.sha256}</td>
                  <td>${file.bytes}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </body>
    </html> `;
  return body.value;
}
