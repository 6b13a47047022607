/**
 * A campaign of 100,000 contacts imported, gated and scheduled through the HTTP API (goal ≤ 60 s).
 *
 *   npm run bench -- campaign [--contacts N] [--per-minute N] [--breakdown] [--profile] [--idle S]
 *                             [--api-env NAME=VALUE …]
 *
 * The API is built and runs in a worker thread (bench/lib/api-thread.ts: a throwaway database, an
 * organisation, a designer+operator+compliance API key). Set-up, not timed: an owned caller id, the
 * `appointment-reminder` example flow published, and the compliance facts of the numbers — spread
 * evenly over five area codes in four time zones (212 NY, 312 IL, 303 CO, 415 CA, 850 FL, the last
 * straddling Central and Eastern). One consent is recorded through `POST /v1/consents` and copied in
 * bulk, in the throwaway database, to every consented number (the same evidence but the number: the
 * gate reads these rows; 100,000 POSTs would dominate the set-up); 2 % of the numbers have no consent,
 * 1 % have one but are on the internal DNC list (one entry through `POST /v1/dnc/internal`, copied
 * likewise). A dry run of the gate on one number of each kind says which kinds the gate blocks.
 *
 * Timed, each phase over HTTP: `POST /v1/campaigns` (window 09:00–20:00 every day, `--per-minute`
 * dials a minute, default 1,000), the CSV upload (`POST /v1/campaigns/:id/contacts`, text/csv,
 * `phone,first_name,appointment_at`), and `POST /v1/campaigns/:id/start`, which plans contacts
 * (window × gate × pacing), writes the calls and adds the BullMQ delayed jobs: up to
 * CAMPAIGN_INLINE_PLAN_LIMIT (10,000) before it answers, the rest in the background; timed until no
 * contact is pending (polled). Then checked: every contact planned (queued + scheduled + blocked + expired = contacts in
 * `GET /v1/campaigns/:id`), the blocks are exactly the numbers of the kinds the gate blocks, one
 * job in Redis per planned call, one logged decision per gated contact at least. Prints the phases
 * (seconds, rows/s), memory (peak RSS of the bench process, peak heap of the API thread), the
 * database size, and PASS/FAIL against the goal. `--breakdown` sums the wall time of the planner's
 * steps, `--profile` samples the API thread during the start, `--idle S` then measures S seconds of
 * the API's background work while the planned calls wait. `--api-env` sets the API's configuration
 * (e.g. `CALL_RECONCILE_INTERVAL_MS=0` to see what the calls reconciler costs the start).
 *
 * The queues (in the shared Redis, under the throwaway database's prefix) are removed and the
 * database dropped at the end, on failure and on Ctrl-C. Exits 0 unless the bench could not run
 * or a check failed; a missed goal is printed, not an exit code.
 */
import { request as httpRequest } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { buildApi, onInterrupt, startApiThread, type ApiThread } from './lib/api-thread.js';
import { cpuSince, cpuSnapshot, describeCpu } from './lib/cpu.js';
import { FIXTURES_PLUGIN } from './lib/fixtures.js';
import { callJobCounts, removeQueues } from './lib/queues.js';
import { PROFILER_PLUGIN, type ProfileSummary, printProfile } from './lib/profile.js';
import { apiEnvArgs, numberArg, printTable } from './lib/report.js';

const CONTACTS = numberArg('--contacts', 100_000);
const PROFILE = process.argv.includes('--profile');
const BREAKDOWN = process.argv.includes('--breakdown');
/** --idle S: after the checks, S seconds with nothing asked of the API (its background loops only) */
const IDLE_S = process.argv.includes('--idle') ? numberArg('--idle', 30) : 0;
const PER_MINUTE = numberArg('--per-minute', 1_000);
const GOAL_S = 60;
const CALLER_ID = '+12125550199';
const NPAS = ['212', '312', '303', '415', '850'];
const WINDOW = { start: '09:00', end: '20:00' };

type Kind = 'consented' | 'no_consent' | 'internal_dnc';
const KINDS: Kind[] = ['consented', 'no_consent', 'internal_dnc'];

/** The i-th number: area codes in turn, then a 7-digit line from 200-0000 on. */
const phoneOf = (i: number): string =>
  `+1${NPAS[i % NPAS.length] ?? '212'}${String(2_000_000 + Math.floor(i / NPAS.length)).padStart(7, '0')}`;

/** 2 % without consent, 1 % consented but on the internal DNC list, the rest consented. */
function kindOf(i: number): Kind {
  if (i % 50 === 7) return 'no_consent';
  if (i % 100 === 3) return 'internal_dnc';
  return 'consented';
}

/**
 * In the API thread: the set-up (bench/lib/fixtures.ts), the dry runs, the checks after the start,
 * a heap watch, and --breakdown/--profile.
 */
const PLUGIN = `
import { getHeapStatistics } from 'node:v8';
${PROFILER_PLUGIN}
${FIXTURES_PLUGIN}

/**
 * --breakdown: the wall time of the steps of the planning, summed over its batches (they run one
 * after another), by wrapping the methods on the app's own instances while the start runs.
 */
const STEPS = [
  ['campaignsRepository', 'CampaignsRepository', ['pendingContacts', 'writePlan', 'insertContacts']],
  ['campaignPlanner', 'CampaignPlanner', ['decide']],
  ['complianceGate', 'ComplianceGateService', ['checkMany', 'buildInputs']],
  ['decisionLog', 'DecisionLogService', ['appendMany']],
  ['callsQueue', 'CallsQueue', ['enqueueMany']],
];
let restore = [];
const spent = new Map();

async function breakdownStart(ctx) {
  spent.clear();
  for (const [url, className, methods] of STEPS) {
    const instance = ctx.app.get((await import(ctx.urls[url]))[className], { strict: false });
    for (const method of methods) {
      const original = instance[method];
      const label = className + '.' + method;
      instance[method] = async function (...args) {
        const started = performance.now();
        try {
          return await original.apply(this, args);
        } finally {
          const entry = spent.get(label) ?? { ms: 0, calls: 0 };
          entry.ms += performance.now() - started;
          entry.calls += 1;
          spent.set(label, entry);
        }
      };
      restore.push(() => { instance[method] = original; });
    }
  }
  return {};
}

function breakdownStop() {
  for (const undo of restore) undo();
  restore = [];
  return [...spent.entries()].map(([step, { ms, calls }]) => ({ step, ms, calls }));
}

let heapPeak = 0;
let heapTimer;

async function setup(ctx, { consented, dnc, samples, at }) {
  const flowId = await publishedFlow(ctx, '${CALLER_ID}');
  await recordConsents(ctx, consented);
  await recordInternalDnc(ctx, dnc);
  // which kinds the gate blocks: a dry run on one number of each, at a time every zone may be called
  const verdicts = {};
  for (const [kind, phone] of Object.entries(samples)) verdicts[kind] = await dryRun(ctx, phone, '${CALLER_ID}', at);
  return { flowId, verdicts };
}

async function verify(ctx, { campaignId, phones, kinds }) {
  return withClient(ctx, async (client) => {
    const byKind = (await client.query(
      \`SELECT k.kind, ct.state, count(*)::int AS n
         FROM campaign_contacts ct JOIN unnest($2::text[], $3::text[]) AS k(phone, kind) ON k.phone = ct.phone
        WHERE ct.campaign_id = $1 GROUP BY 1, 2\`, [campaignId, phones, kinds])).rows;
    const calls = (await client.query(
      \`SELECT status, count(*)::int AS n FROM calls WHERE campaign_id = $1 GROUP BY 1\`, [campaignId])).rows;
    const [decisions] = (await client.query(
      \`SELECT count(*)::int AS n, count(DISTINCT phone_e164)::int AS numbers FROM compliance_decisions
        WHERE campaign_id = $1 AND NOT dry_run\`, [campaignId])).rows;
    const [size] = (await client.query(\`SELECT pg_database_size(current_database())::bigint AS bytes\`)).rows;
    const tables = (await client.query(
      \`SELECT relname AS name, pg_total_relation_size(oid)::bigint AS bytes FROM pg_class
        WHERE relname IN ('campaign_contacts', 'calls', 'compliance_decisions', 'consents') ORDER BY 2 DESC\`)).rows;
    return { byKind, calls, decisions, databaseBytes: Number(size.bytes), tables: tables.map((t) => ({ name: t.name, bytes: Number(t.bytes) })) };
  });
}

export async function handle(ctx, message) {
  switch (message.type) {
    case 'setup':
      return setup(ctx, message);
    case 'verify':
      return verify(ctx, message);
    case 'heap-watch':
      heapPeak = getHeapStatistics().used_heap_size;
      heapTimer = setInterval(() => { heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size); }, 50);
      return {};
    case 'breakdown-start':
      return breakdownStart(ctx);
    case 'breakdown-stop':
      return breakdownStop();
    case 'profile-start':
    case 'profile-stop':
      return profilerHandle(ctx, message);
    case 'heap-peak':
      clearInterval(heapTimer);
      return { peak: Math.max(heapPeak, getHeapStatistics().used_heap_size) };
    default:
      throw new Error('unknown request ' + JSON.stringify(message));
  }
}
`;

interface Verdict {
  outcome: string;
  reasons: string[];
}

interface Counters {
  contacts: number;
  pending: number;
  scheduled: number;
  queued: number;
  inProgress: number;
  blocked: number;
  expired: number;
  blockedByReason: Record<string, number>;
}

interface Verified {
  byKind: Array<{ kind: Kind; state: string; n: number }>;
  calls: Array<{ status: string; n: number }>;
  decisions: { n: number; numbers: number };
  databaseBytes: number;
  tables: Array<{ name: string; bytes: number }>;
}

interface Answer {
  status: number;
  body: unknown;
  seconds: number;
}

/** One request with no client-side time limit (planning 100,000 contacts may take minutes). */
function send(base: string, key: string, method: string, path: string, body?: Buffer, type?: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body ? { 'content-type': type ?? 'application/json', 'content-length': String(body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, seconds: (performance.now() - started) / 1000 });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 800)}`);
  }
}

const count = (n: number): string => n.toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Seconds from `startedAt` until the campaign has no pending contact (polled every 250 ms, 10 min at most). */
async function untilPlanned(base: string, key: string, campaignId: string, startedAt: number): Promise<number> {
  for (;;) {
    const detail = await send(base, key, 'GET', `/v1/campaigns/${campaignId}`);
    expectStatus(detail, 200, 'GET /v1/campaigns/:id');
    if ((detail.body as { counters: Counters }).counters.pending === 0) return (performance.now() - startedAt) / 1000;
    if (performance.now() - startedAt > 600_000) throw new Error('contacts still pending 10 minutes after the start');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The next weekday at 18:00 UTC (14:00 Eastern, 11:00 Pacific): inside every zone's calling hours. */
function middayEverywhere(): string {
  const at = new Date();
  at.setUTCDate(at.getUTCDate() + 1);
  while (at.getUTCDay() === 0 || at.getUTCDay() === 6) at.setUTCDate(at.getUTCDate() + 1);
  at.setUTCHours(18, 0, 0, 0);
  return at.toISOString();
}

async function main(): Promise<void> {
  const cpus = availableParallelism();
  const [load1 = 0] = loadavg();
  console.log(
    `campaign: ${count(CONTACTS)} contacts over ${NPAS.length} area codes, 2 % without consent, 1 % on the internal ` +
      `DNC; pacing ${count(PER_MINUTE)} dials a minute, window ${WINDOW.start}–${WINDOW.end} every day`,
  );
  console.log(`node ${process.version}, ${cpus} CPUs, load average ${load1.toFixed(2)}\n`);
  if (load1 > cpus) {
    console.warn(`warning: the machine is busy (load ${load1.toFixed(1)} on ${cpus} CPUs): figures will be low\n`);
  }

  const phones = Array.from({ length: CONTACTS }, (_, i) => phoneOf(i));
  const kinds = phones.map((_, i) => kindOf(i));
  const ofKind = (kind: Kind) => phones.filter((_, i) => kinds[i] === kind);
  const sizes = Object.fromEntries(KINDS.map((kind) => [kind, ofKind(kind).length])) as Record<Kind, number>;
  const csv = Buffer.from(
    `phone,first_name,appointment_at\n${phones.map((phone, i) => `${phone},Patient ${i},2026-12-01T15:00:00Z`).join('\n')}\n`,
  );

  buildApi();
  let api: ApiThread<Record<string, never>> | undefined = undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      const databaseUrl = api?.ready.databaseUrl;
      await api?.stop();
      if (databaseUrl) {
        const removed = await removeQueues(databaseUrl).catch(() => 0);
        if (removed > 0) console.log(`removed ${count(removed)} Redis keys of its queues`);
      }
    })());
  onInterrupt(cleanup);
  api = await startApiThread({
    env: apiEnvArgs(),
    roles: ['designer', 'operator', 'compliance'],
    imports: {
      pg: 'pg',
      campaignsRepository: 'campaigns/campaigns.repository.js',
      campaignPlanner: 'campaigns/campaign-planner.js',
      complianceGate: 'compliance/compliance-gate.service.js',
      decisionLog: 'compliance/decision-log.service.js',
      callsQueue: 'calls/jobs/calls.queue.js',
    },
    plugin: PLUGIN,
  });

  try {
    const { base, key, databaseUrl } = api.ready;
    process.stdout.write(
      `setting up (caller id, published flow, ${count(sizes.consented + sizes.internal_dnc)} consents, ` +
        `${count(sizes.internal_dnc)} internal DNC entries)… `,
    );
    let started = performance.now();
    const at = middayEverywhere();
    const samples = Object.fromEntries(KINDS.map((kind) => [kind, ofKind(kind)[0]]));
    const setup = await api.request<{ flowId: string; verdicts: Record<Kind, Verdict> }>({
      type: 'setup',
      consented: phones.filter((_, i) => kinds[i] !== 'no_consent'),
      dnc: ofKind('internal_dnc'),
      samples,
      at,
    });
    console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(`\nthe gate on one number of each kind (dry run, ${at}):`);
    printTable(
      ['kind', 'numbers', 'outcome', 'reasons'],
      KINDS.map((kind) => [
        kind,
        count(sizes[kind]),
        setup.verdicts[kind].outcome,
        setup.verdicts[kind].reasons.join(', ') || '—',
      ]),
      ['left', 'right', 'left', 'left'],
    );
    const blockedKinds = KINDS.filter((kind) => setup.verdicts[kind].outcome.startsWith('BLOCKED'));
    const expectedBlocked = blockedKinds.reduce((sum, kind) => sum + sizes[kind], 0);
    if (setup.verdicts.consented.outcome !== 'ALLOWED') {
      throw new Error(`a consented number is not allowed at midday: the set-up is wrong`);
    }
    if (expectedBlocked === 0) console.warn('warning: the gate blocks none of the kinds: no block is measured');

    // ---------------------------------------------------------------- timed
    console.log('\ntimed:');
    let rssPeak = process.memoryUsage().rss;
    const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    await api.request({ type: 'heap-watch' });
    const loadBefore = loadavg()[0] ?? 0;
    started = performance.now();

    const created = await send(
      base,
      key,
      'POST',
      '/v1/campaigns',
      Buffer.from(
        JSON.stringify({
          name: `bench ${count(CONTACTS)}`,
          flowId: setup.flowId,
          callerId: CALLER_ID,
          window: WINDOW,
          pacing: { maxConcurrent: 100, perMinute: PER_MINUTE },
        }),
      ),
    );
    expectStatus(created, 201, 'POST /v1/campaigns');
    const campaignId = (created.body as { id: string }).id;
    console.log(`  POST /v1/campaigns                 ${created.seconds.toFixed(2)} s`);

    let cpuBefore = cpuSnapshot();
    const uploaded = await send(base, key, 'POST', `/v1/campaigns/${campaignId}/contacts`, csv, 'text/csv');
    expectStatus(uploaded, 200, 'POST /v1/campaigns/:id/contacts');
    const added = uploaded.body as { received: number; added: number; merged: number; rejected: unknown[] };
    console.log(
      `  POST /v1/campaigns/:id/contacts    ${uploaded.seconds.toFixed(2)} s (${count(added.added)} added, ` +
        `${count(added.merged)} merged, ${count(added.rejected.length)} rejected)`,
    );
    const uploadCpu = cpuSince(cpuBefore);
    if (added.added !== CONTACTS) throw new Error(`the upload added ${added.added} contacts, not ${CONTACTS}`);

    if (PROFILE) await api.request({ type: 'profile-start' });
    if (BREAKDOWN) await api.request({ type: 'breakdown-start' });
    cpuBefore = cpuSnapshot();
    const startedAt = performance.now();
    const startedCampaign = await send(base, key, 'POST', `/v1/campaigns/${campaignId}/start`);
    expectStatus(startedCampaign, 200, 'POST /v1/campaigns/:id/start');
    console.log(
      `  POST /v1/campaigns/:id/start       ${startedCampaign.seconds.toFixed(2)} s ` +
        `(${count((startedCampaign.body as { counters: Counters }).counters.pending)} contacts left to the background)`,
    );
    // the request plans up to CAMPAIGN_INLINE_PLAN_LIMIT contacts, the API the rest in the background
    const plannedAfterS = await untilPlanned(base, key, campaignId, startedAt);
    console.log(`  every contact planned              ${plannedAfterS.toFixed(2)} s after the start`);
    const startCpu = cpuSince(cpuBefore);
    const breakdown = BREAKDOWN
      ? await api.request<Array<{ step: string; ms: number; calls: number }>>({ type: 'breakdown-stop' })
      : [];
    const profile = PROFILE
      ? await api.request<ProfileSummary>({ type: 'profile-stop', label: 'campaign-start' })
      : undefined;

    const totalS = (performance.now() - started) / 1000;
    clearInterval(rssTimer);
    const heap = await api.request<{ peak: number }>({ type: 'heap-peak' });
    const loadAfter = loadavg()[0] ?? 0;

    // ---------------------------------------------------------------- checked
    const detail = await send(base, key, 'GET', `/v1/campaigns/${campaignId}`);
    expectStatus(detail, 200, 'GET /v1/campaigns/:id');
    const counters = (detail.body as { counters: Counters }).counters;
    const found = await api.request<Verified>({ type: 'verify', campaignId, phones, kinds });
    const jobCounts = await callJobCounts(databaseUrl);
    const jobs = Object.values(jobCounts).reduce((sum, n) => sum + n, 0);
    const callsOf = (status: string) => found.calls.find((row) => row.status === status)?.n ?? 0;
    const plannedCalls = callsOf('queued') + callsOf('scheduled');
    const kindState = (kind: Kind, state: string) =>
      found.byKind.find((row) => row.kind === kind && row.state === state)?.n ?? 0;
    const planned = counters.queued + counters.scheduled + counters.blocked + counters.expired;

    console.log();
    printTable(
      ['phase', 'seconds', 'rows/s'],
      [
        [
          'import (CSV upload, ' + mb(csv.length) + ')',
          uploaded.seconds.toFixed(1),
          count(Math.round(CONTACTS / uploaded.seconds)),
        ],
        [
          'gate + schedule (start → every contact planned)',
          plannedAfterS.toFixed(1),
          count(Math.round(CONTACTS / plannedAfterS)),
        ],
        ['total (create, import, start)', totalS.toFixed(1), count(Math.round(CONTACTS / totalS))],
      ],
    );
    console.log();
    printTable(
      ['contacts', 'count'],
      [
        ['queued', count(counters.queued)],
        ['scheduled', count(counters.scheduled)],
        [
          'blocked',
          `${count(counters.blocked)} (${
            Object.entries(counters.blockedByReason)
              .map(([code, n]) => `${code} × ${count(n)}`)
              .join(', ') || '—'
          })`,
        ],
        ['expired', count(counters.expired)],
        ['pending (not planned)', count(counters.pending)],
        ['contacts', count(counters.contacts)],
      ],
    );

    const checks: Array<[string, string, boolean]> = [
      [
        'every contact planned (queued + scheduled + blocked + expired)',
        `${count(planned)} of ${count(counters.contacts)}`,
        planned === CONTACTS && counters.contacts === CONTACTS && counters.pending === 0,
      ],
      ...KINDS.map((kind): [string, string, boolean] => {
        const expectBlocked = blockedKinds.includes(kind);
        const blocked = kindState(kind, 'blocked');
        return [
          `${kind}: ${expectBlocked ? 'all blocked' : 'none blocked'}`,
          `${count(blocked)} of ${count(sizes[kind])} blocked`,
          blocked === (expectBlocked ? sizes[kind] : 0),
        ];
      }),
      [
        'blocked = the numbers of the kinds the gate blocks',
        `${count(counters.blocked)} = ${count(expectedBlocked)}`,
        counters.blocked === expectedBlocked,
      ],
      [
        'one job in Redis per planned call (queued + scheduled)',
        `${count(jobs)} jobs, ${count(plannedCalls)} calls (${Object.entries(jobCounts)
          .filter(([, n]) => n > 0)
          .map(([state, n]) => `${count(n)} ${state}`)
          .join(', ')})`,
        jobs === plannedCalls && plannedCalls === counters.queued + counters.scheduled,
      ],
      [
        'a blocked call row per blocked contact',
        `${count(callsOf('blocked'))}`,
        callsOf('blocked') === counters.blocked,
      ],
      [
        'every gated number has a logged decision',
        `${count(found.decisions.n)} decisions, ${count(found.decisions.numbers)} numbers`,
        found.decisions.numbers === CONTACTS - counters.expired || found.decisions.numbers === CONTACTS,
      ],
    ];
    console.log();
    printTable(
      ['check', 'found', 'result'],
      checks.map(([what, value, ok]) => [what, value, ok ? 'ok' : 'FAIL']),
      ['left', 'left', 'left'],
    );
    const allOk = checks.every(([, , ok]) => ok);
    if (!allOk) process.exitCode = 1;

    console.log();
    printTable(
      ['memory and storage', 'figure'],
      [
        ['peak RSS of the bench process (API thread included)', mb(rssPeak)],
        ['peak heap of the API thread', mb(heap.peak)],
        [
          'database after the start',
          `${mb(found.databaseBytes)} (${found.tables.map((t) => `${t.name} ${mb(t.bytes)}`).join(', ')})`,
        ],
        ['load average before / after the timed phases', `${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)}`],
        ['CPU during the import', describeCpu(uploadCpu)],
        ['CPU during the start', describeCpu(startCpu)],
      ],
    );
    if (IDLE_S > 0) {
      // what the API costs while the planned calls wait: its background loops (the calls
      // reconciler checks what changed every CALL_RECONCILE_INTERVAL_MS, every waiting call every
      // CALL_RECONCILE_FULL_INTERVAL_MS; pass =10000 to see what a full pass costs)
      const idleBefore = cpuSnapshot();
      await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
      console.log(
        `\nidle for ${IDLE_S} s with ${count(plannedCalls)} calls waiting: ${describeCpu(cpuSince(idleBefore))}`,
      );
    }
    if (BREAKDOWN) {
      console.log();
      const startMs = startedCampaign.seconds * 1000;
      printTable(
        ['step of the start (wall time, summed over batches)', 'calls', 'ms', 'share of start'],
        breakdown.map((b) => [b.step, String(b.calls), b.ms.toFixed(0), `${((b.ms / startMs) * 100).toFixed(1)} %`]),
      );
    }
    if (profile) printProfile(profile);
    console.log();
    printTable(
      ['goal', 'measured', 'result'],
      [
        [
          `${count(CONTACTS)} contacts imported, gated and scheduled ≤ ${GOAL_S} s`,
          `${totalS.toFixed(1)} s`,
          totalS <= GOAL_S && allOk ? 'PASS' : 'FAIL',
        ],
      ],
    );
    if (!allOk) console.log('(a failed check fails the goal)');
  } finally {
    await cleanup();
  }
}

try {
  await main();
} catch (error) {
  console.error(`\ncampaign: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
