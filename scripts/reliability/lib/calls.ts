/**
 * The work the scenarios run and the checks on it: consented numbers, single calls placed through
 * `POST /v1/calls`, and what Postgres (the truth) and the workers' logs say about them afterwards.
 */
import { TZDate } from '@date-fns/tz';
import type { Proc, Product } from './product.js';
import { sleep } from './services.js';

/** Statuses a call never leaves (apps/api/src/calls/README.md). */
export const FINAL = ['completed', 'voicemail', 'no_answer', 'busy', 'failed', 'blocked', 'cancelled', 'expired'];
const FINAL_SQL = FINAL.map((status) => `'${status}'`).join(', ');

const NEW_YORK = 'America/New_York';

/**
 * `hh:mm:ss` in New York on the next Tuesday–Thursday at least a day away: a plain working day
 * (no weekend, no holiday of the rule sets). The API's calls clock is started there (CLOCK_START),
 * so a run judges calling windows at a known local time whatever the hour of the real day.
 */
export function comingWorkday(hours: number, minutes = 0, seconds = 0): Date {
  const day = new TZDate(Date.now() + 86_400_000, NEW_YORK);
  while (![2, 3, 4].includes(day.getDay())) day.setDate(day.getDate() + 1);
  return new Date(
    new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), hours, minutes, seconds, NEW_YORK).getTime(),
  );
}

/** `count` numbers of the area code, distinct per run (`offset` keeps scenarios apart). */
export function numbers(npa: string, count: number, offset = 0): string[] {
  // 555-01xx and above are fictional exchanges; the subscriber part only needs to be unique here
  return Array.from({ length: count }, (_, i) => `+1${npa}555${String(1000 + offset + i).padStart(4, '0')}`);
}

/** Runs `task` over `items`, `width` at a time. */
export async function inBatches<T, R>(items: T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    results.push(...(await Promise.all(items.slice(i, i + width).map(task))));
  }
  return results;
}

/** Written consent (PEWC naming the organisation) for each number, in one CSV import. */
export async function consent(product: Product, phones: string[]): Promise<void> {
  const organization = product.tenant.organization;
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  const disclosure = `By clicking Submit, I agree that ${organization} may call me at the number above with automated or artificial-voice calls about my appointments. Consent is not a condition of purchase.`;
  const capturedAt = new Date(Date.now() - 86_400_000).toISOString();
  const csv = [
    'phone,type,disclosure_text,captured_at,sellers,signature_method,affirmative_act,authorizes_artificial_voice,not_condition_of_purchase,page_url,written',
    ...phones.map((phone) =>
      [
        phone,
        'PEWC',
        quote(disclosure),
        capturedAt,
        quote(organization),
        'checkbox_submit',
        'true',
        'true',
        'true',
        'https://reliability.switchboard.test/signup',
        'true',
      ].join(','),
    ),
  ].join('\n');
  const res = await product.request('POST', '/v1/consents/import', { csv }, { timeoutMs: 60_000 });
  if (res.status !== 200 || res.body?.imported !== phones.length) {
    throw new Error(`POST /v1/consents/import: ${res.status} ${JSON.stringify(res.body).slice(0, 600)}`);
  }
}

export interface PlaceOptions {
  scheduleAt?: Date;
}

/** One call per number; each must be accepted and queued (or scheduled): the ids. */
export async function placeCalls(product: Product, phones: string[], options: PlaceOptions = {}): Promise<string[]> {
  return inBatches(phones, 5, async (to) => {
    const res = await product.request('POST', '/v1/calls', {
      to,
      flowId: product.tenant.flowId,
      callerId: product.tenant.callerId,
      variables: { first_name: 'Ada', appointment_at: '2026-12-01T15:00:00Z' },
      ...(options.scheduleAt ? { scheduleAt: options.scheduleAt.toISOString() } : {}),
    });
    if (res.status !== 202 || !['queued', 'scheduled'].includes(res.body?.status as string)) {
      throw new Error(`POST /v1/calls ${to}: ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
    }
    return res.body.id as string;
  });
}

export interface Tally {
  total: number;
  final: number;
  inFlight: number;
  byStatus: Record<string, number>;
}

/** The calls' statuses, from Postgres. */
export async function tally(product: Product, ids: string[]): Promise<Tally> {
  const rows = await product.query<{ status: string; count: string }>(
    `SELECT status, count(*) AS count FROM calls WHERE id = ANY($1::uuid[]) GROUP BY status`,
    [ids],
  );
  const byStatus = Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  const final = FINAL.reduce((sum, status) => sum + (byStatus[status] ?? 0), 0);
  const inFlight = (byStatus.dialing ?? 0) + (byStatus.in_progress ?? 0);
  return { total: ids.length, final, inFlight, byStatus };
}

export const formatStatuses = (byStatus: Record<string, number>): string =>
  Object.entries(byStatus)
    .sort((a, b) => b[1] - a[1])
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');

/**
 * Polls until every call is final; `onTally` sees each reading (a scenario acts on progress).
 * Resolves with the last tally and whether all were final before `timeoutMs`. Readings that fail
 * (Postgres down) are skipped.
 */
export async function waitUntilFinal(
  product: Product,
  ids: string[],
  timeoutMs: number,
  onTally?: (tally: Tally) => Promise<void> | void,
): Promise<{ tally: Tally; done: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let last: Tally = { total: ids.length, final: 0, inFlight: 0, byStatus: {} };
  for (;;) {
    try {
      last = await tally(product, ids);
      await onTally?.(last);
      if (last.final === last.total) return { tally: last, done: true };
    } catch (error) {
      if (!isConnectionError(error)) throw error;
    }
    if (Date.now() > deadline) return { tally: last, done: false };
    await sleep(25);
  }
}

function isConnectionError(error: unknown): boolean {
  const text = error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : String(error);
  return /ECONNREFUSED|ECONNRESET|57P0|terminat|timeout|Connection/i.test(text);
}

/**
 * Dials per call beyond its attempts, from Postgres: the dial-time gate records one
 * `call_attempts` row per claim that passed (the frequency caps count them), so a call with more
 * rows than its attempt number was dialled twice for one attempt.
 */
export async function duplicateDials(
  product: Product,
  ids: string[],
): Promise<{ callId: string; dials: number; attempt: number }[]> {
  const rows = await product.query<{ id: string; attempt: number; dials: string }>(
    `SELECT c.id, c.attempt, count(a.id) AS dials
       FROM calls c JOIN call_attempts a ON a.call_id = c.id::text
      WHERE c.id = ANY($1::uuid[])
      GROUP BY c.id, c.attempt
     HAVING count(a.id) > c.attempt`,
    [ids],
  );
  return rows.map((row) => ({ callId: row.id, dials: Number(row.dials), attempt: row.attempt }));
}

/** How many calls were dialled (a claim passed the dial-time gate), from Postgres. */
export async function dialledCount(product: Product, ids: string[]): Promise<number> {
  const [row] = await product.query<{ count: string }>(
    `SELECT count(DISTINCT call_id) AS count FROM call_attempts WHERE call_id = ANY($1::text[])`,
    [ids],
  );
  return Number(row?.count ?? 0);
}

/** The claims the workers logged ("call claimed"), per `callId:attempt`, with when they happened. */
export function claimsInLogs(workers: Proc[]): Map<string, number[]> {
  const claims = new Map<string, number[]>();
  for (const worker of workers) {
    for (const line of worker.lines) {
      if (line.json?.msg !== 'call claimed') continue;
      const key = `${String(line.json.callId)}:${String(line.json.attempt)}`;
      const times = claims.get(key) ?? [];
      times.push(typeof line.json.time === 'number' ? line.json.time : line.at);
      claims.set(key, times);
    }
  }
  return claims;
}

/** Calls that have not reached a final state, with their status: for the report. */
export async function unfinished(product: Product, ids: string[], limit = 5): Promise<string> {
  const rows = await product.query<{ id: string; status: string; lease_until: Date | null }>(
    `SELECT id, status, lease_until FROM calls WHERE id = ANY($1::uuid[]) AND status NOT IN (${FINAL_SQL}) LIMIT $2`,
    [ids, limit],
  );
  return rows
    .map(
      (row) =>
        `${row.id.slice(0, 8)} ${row.status}${row.lease_until ? ` (lease until ${row.lease_until.toISOString()})` : ''}`,
    )
    .join('; ');
}

// ------------------------------------------------------------------ campaigns

/** Contact states a campaign contact never leaves. */
export const FINAL_CONTACT_STATES = ['completed', 'failed', 'blocked', 'expired', 'cancelled'];

export interface CampaignSettings {
  maxConcurrent?: number;
  perMinute?: number;
  retry?: { maxAttempts: number; minGapMinutes: number; on: string[] };
  /** per-contact simulation cell (`no_answer|human`, …) by index; empty: the default persona */
  simulations?: (i: number) => string;
}

/** A campaign over `phones` (CSV upload), started: its id. */
export async function startCampaign(
  product: Product,
  name: string,
  phones: string[],
  settings: CampaignSettings = {},
): Promise<string> {
  const created = await product.request('POST', '/v1/campaigns', {
    name,
    flowId: product.tenant.flowId,
    callerId: product.tenant.callerId,
    pacing: { maxConcurrent: settings.maxConcurrent ?? 8, perMinute: settings.perMinute ?? 6_000 },
    ...(settings.retry ? { retry: settings.retry } : {}),
    variables: { appointment_at: '2030-01-15T15:00:00Z' },
  });
  if (created.status !== 201) throw new Error(`POST /v1/campaigns: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const csv = ['phone,first_name,sim', ...phones.map((phone, i) => `${phone},Ada,${settings.simulations?.(i) ?? ''}`)];
  const added = await product.request('POST', `/v1/campaigns/${id}/contacts?simulation=sim`, csv.join('\n'), {
    contentType: 'text/csv',
    timeoutMs: 60_000,
  });
  if (added.status !== 200 || added.body?.added !== phones.length) {
    throw new Error(`POST /v1/campaigns/${id}/contacts: ${added.status} ${JSON.stringify(added.body).slice(0, 600)}`);
  }
  const started = await product.request('POST', `/v1/campaigns/${id}/start`, undefined, { timeoutMs: 60_000 });
  if (started.status !== 200) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  return id;
}

/** The contacts' states from Postgres, as a Tally (inFlight: contacts whose call is being dialled). */
export async function contactTally(product: Product, campaignId: string): Promise<Tally> {
  const rows = await product.query<{ state: string; count: string }>(
    `SELECT state, count(*) AS count FROM campaign_contacts WHERE campaign_id = $1 GROUP BY state`,
    [campaignId],
  );
  const byStatus = Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
  const total = rows.reduce((sum, row) => sum + Number(row.count), 0);
  const final = FINAL_CONTACT_STATES.reduce((sum, state) => sum + (byStatus[state] ?? 0), 0);
  const [live] = await product.query<{ count: string }>(
    `SELECT count(*) AS count FROM calls WHERE campaign_id = $1 AND status IN ('dialing', 'in_progress')`,
    [campaignId],
  );
  return { total, final, inFlight: Number(live?.count ?? 0), byStatus };
}

/** Polls until every contact of the campaign is final (see waitUntilFinal). */
export async function waitUntilContactsFinal(
  product: Product,
  campaignId: string,
  timeoutMs: number,
  onTally?: (tally: Tally) => Promise<void> | void,
): Promise<{ tally: Tally; done: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let last: Tally = { total: 0, final: 0, inFlight: 0, byStatus: {} };
  for (;;) {
    try {
      last = await contactTally(product, campaignId);
      await onTally?.(last);
      if (last.total > 0 && last.final === last.total) return { tally: last, done: true };
    } catch (error) {
      if (!isConnectionError(error)) throw error;
    }
    if (Date.now() > deadline) return { tally: last, done: false };
    await sleep(50);
  }
}

/** The campaign's call ids (one per attempt). */
export async function campaignCalls(product: Product, campaignId: string): Promise<string[]> {
  const rows = await product.query<{ id: string }>(`SELECT id FROM calls WHERE campaign_id = $1`, [campaignId]);
  return rows.map((row) => row.id);
}

/** Contact attempts dialled more than once (two calls of one attempt, or one call dialled twice). */
export async function campaignDuplicateDials(
  product: Product,
  campaignId: string,
): Promise<{ contactId: string; attempt: number; dials: number }[]> {
  const rows = await product.query<{ contact_id: string; attempt: number; dials: string }>(
    `SELECT c.contact_id, c.attempt, count(a.id) AS dials
       FROM calls c JOIN call_attempts a ON a.call_id = c.id::text
      WHERE c.campaign_id = $1
      GROUP BY c.contact_id, c.attempt
     HAVING count(a.id) > 1`,
    [campaignId],
  );
  return rows.map((row) => ({ contactId: row.contact_id, attempt: row.attempt, dials: Number(row.dials) }));
}
