/**
 * The work the scenarios run and the checks on it: consented numbers, single calls placed through
 * `POST /v1/calls`, and what Postgres (the truth) and the workers' logs say about them afterwards.
 */
import type { Proc, Product } from './product.js';
import { sleep } from './services.js';

/** Statuses a call never leaves (apps/api/src/calls/README.md). */
export const FINAL = ['completed', 'voicemail', 'no_answer', 'busy', 'failed', 'blocked', 'cancelled', 'expired'];
const FINAL_SQL = FINAL.map((status) => `'${status}'`).join(', ');

/**
 * One area code per US zone. The gate applies the callee's calling window (8:00–21:00 local, later
 * starts in some states) to the real clock of the built API, so the harness calls numbers where it
 * is daytime now: the run is repeatable at any hour of the day but 10:00–13:00 UTC.
 */
const AREA_CODES: { npa: string; zone: string }[] = [
  { npa: '212', zone: 'America/New_York' },
  { npa: '312', zone: 'America/Chicago' },
  { npa: '303', zone: 'America/Denver' },
  { npa: '415', zone: 'America/Los_Angeles' },
  { npa: '808', zone: 'Pacific/Honolulu' },
  { npa: '684', zone: 'Pacific/Pago_Pago' },
  { npa: '671', zone: 'Pacific/Guam' },
  { npa: '787', zone: 'America/Puerto_Rico' },
];

function localHour(zone: string, at: Date): number {
  const hour = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(at);
  return Number(hour);
}

/** An area code where the next 30 minutes lie within 9:00–20:00 local time. */
export function daytimeAreaCode(at = new Date()): string {
  const later = new Date(at.getTime() + 30 * 60_000);
  const found = AREA_CODES.find(({ zone }) => localHour(zone, at) >= 9 && localHour(zone, later) < 20);
  if (!found) throw new Error('no supported US area code has daytime now (10:00–13:00 UTC): run the harness later');
  return found.npa;
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
