/**
 * `POST /v1/calls` under load: the whole creation path — auth, validation, the pinned flow and its
 * variables, the schedule-time compliance gate (facts from Postgres, a decision appended to the
 * hash-chained log), the insert and the BullMQ enqueue — driven by autocannon over 127.0.0.1.
 *
 *   npm run bench -- calls [--duration S] [--connections N] [--numbers N] [--profile] [--queries]
 *
 * The API is built and runs in a worker thread (bench/lib/api-thread.ts: a throwaway database, an
 * organisation and a designer+operator+compliance API key). The thread registers an owned caller id,
 * publishes the `appointment-reminder` example flow and records written consent for `--numbers`
 * (default 500) New York numbers; each request calls the next number with a distinct
 * Idempotency-Key, so every request creates a call (none is a replay). Warm-up 2 s, then
 * `--duration` s (default 10) with `--connections` (default 25). The goals of issue 5 are checked:
 * ≥ 500 requests/s and p99 ≤ 100 ms (PASS/FAIL each), and the CPU of one request is split between the
 * API thread, the bench database's Postgres backends, Redis and the load generator. `--profile` records a CPU profile of the API
 * thread during the measured run, prints the functions with the most self time and keeps the
 * `.cpuprofile` in the temp folder (open it in Chrome DevTools). `--queries` then sends 200 requests
 * one at a time: their latency, their CPU and their SQL statements (what each request costs).
 *
 * The queue (in the shared Redis, under the throwaway database's prefix) is obliterated and the
 * database dropped at the end, on failure and on Ctrl-C. Exits 0 unless the bench could not run;
 * a missed goal is printed, not an exit code (figures on a shared machine vary with its load).
 */
import { availableParallelism, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { buildApi, onInterrupt, startApiThread } from './lib/api-thread.js';
import { cpuSince, cpuSnapshot } from './lib/cpu.js';
import { nonSuccess } from './lib/load.js';
import { numberArg, printTable } from './lib/report.js';
import { PROFILER_PLUGIN, type ProfileSummary, printProfile } from './lib/profile.js';

const DURATION_S = numberArg('--duration', 10);
const CONNECTIONS = numberArg('--connections', 25);
const NUMBERS = numberArg('--numbers', 500);
const PROFILE = process.argv.includes('--profile');
const QUERIES = process.argv.includes('--queries');
const WARMUP_S = 2;
const GOALS = { requestsPerSecond: 500, p99Ms: 100 };
const CALLER_ID = '+12125550199';
const VARIABLES = { first_name: 'Ada', appointment_at: '2026-12-01T15:00:00Z' };

/** `+1212555xxxx`, i of the pool. */
const phoneOf = (i: number): string => `+1212${String(5_000_000 + i).padStart(7, '0')}`;

/** In the API thread: caller id, published flow, consents; cleanup of the queue; the profiler. */
const PLUGIN = `
${PROFILER_PLUGIN}

// every SQL statement the API sends, counted from the start (the 'cpu' message reads the count)
let statementsSent = 0;

export async function ready(ctx) {
  const pgModule = (await import(ctx.urls.pg)).default;
  const sendQuery = pgModule.Client.prototype.query;
  pgModule.Client.prototype.query = function (...args) {
    statementsSent += 1;
    return sendQuery.apply(this, args);
  };
  await ctx.call('POST', '/v1/caller-ids', { body: { phone: '${CALLER_ID}', verifiedOwned: true, label: 'bench' }, expect: 201 });
  const flow = await ctx.call('POST', '/v1/flows', { body: { templateId: 'appointment-reminder' }, expect: 201 });
  await ctx.call('POST', '/v1/flows/' + flow.id + '/publish', { body: { message: 'bench' }, expect: 201 });
  const phones = Array.from({ length: ${NUMBERS} }, (_, i) => '+1212' + String(5000000 + i).padStart(7, '0'));
  // consents in small parallel batches. Not 10: POST /v1/consents holds a pooled connection for its
  // transaction and reads the seller's name on another one, so 10 at once (the pool's size) starve it
  for (let i = 0; i < phones.length; i += 5) {
    await Promise.all(phones.slice(i, i + 5).map((phone) => ctx.call('POST', '/v1/consents', {
      expect: 201,
      body: {
        phone, type: 'PEWC', written: true, affirmativeAct: true, signatureMethod: 'checkbox_submit',
        disclosureText: 'By clicking Submit I agree that ' + ctx.organizationName + ' may call me at the number above with artificial or prerecorded voice calls about my appointments. Consent is not a condition of purchase.',
        authorizesArtificialVoice: true, notConditionOfPurchase: true,
        capturedAt: new Date(Date.now() - 86400000).toISOString(), pageUrl: 'https://bench.example/signup',
        ip: '203.0.113.7', userAgent: 'Mozilla/5.0',
        sellers: [ctx.organizationName],
      },
    })));
  }
  return { flowId: flow.id };
}

export async function handle(ctx, message) {
  if (message.type === 'verify') {
    // what the requests left behind: every call gated (a decision naming it) and its job in Redis
    const pg = (await import(ctx.urls.pg)).default;
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      const [calls] = (await client.query(
        \`SELECT count(*)::int AS calls,
                count(*) FILTER (WHERE status = 'queued')::int AS queued,
                count(*) FILTER (WHERE cardinality(decision_ids) = 1)::int AS gated
           FROM calls WHERE organization_id = $1\`, [ctx.organizationId])).rows;
      const [decisions] = (await client.query(
        \`SELECT count(*)::int AS n, count(DISTINCT call_id)::int AS calls FROM compliance_decisions
          WHERE organization_id = $1 AND call_id IS NOT NULL\`, [ctx.organizationId])).rows;
      const { getQueueToken } = await import(ctx.urls.nestBullmq);
      const queue = ctx.app.get(getQueueToken('calls'));
      const jobs = await queue.getJobCounts('wait', 'delayed', 'prioritized', 'paused', 'active');
      return { ...calls, decisions: decisions.n, decidedCalls: decisions.calls, jobs };
    } finally {
      await client.end();
    }
  }
  if (message.type === 'count-queries') {
    // every SQL statement of the next requests, through the pg client TypeORM uses
    const pg = (await import(ctx.urls.pg)).default;
    const original = pg.Client.prototype.query;
    const statements = new Map();
    pg.Client.prototype.query = function (config, ...rest) {
      const text = (typeof config === 'string' ? config : config?.text ?? '').replace(/\\s+/g, ' ').trim();
      const key = text.replace(/^(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH)\\s+("?[\\w.]+"?)?.*$/i, (all, verb, what) => {
        const table = / FROM "?(\\w+)"?/i.exec(all)?.[1];
        return verb.toUpperCase() + ' ' + (verb.toUpperCase() === 'SELECT' ? (table ?? what ?? '') : (what ?? ''));
      }).slice(0, 70);
      statements.set(key, (statements.get(key) ?? 0) + 1);
      return original.call(this, config, ...rest);
    };
    try {
      for (let i = 0; i < message.requests; i++) {
        await ctx.call('POST', '/v1/calls', {
          headers: { 'idempotency-key': 'count-' + i + '-' + Date.now() },
          body: { to: message.phones[i % message.phones.length], flowId: message.flowId, callerId: '${CALLER_ID}', variables: message.variables },
          expect: 202,
        });
      }
    } finally {
      pg.Client.prototype.query = original;
    }
    return [...statements.entries()].map(([statement, n]) => ({ statement, n })).sort((a, b) => b.n - a.n);
  }
  if (message.type === 'cpu') {
    // CPU ticks (1/100 s) of this thread and of each backend of the bench's database (not this client's)
    const { readFileSync } = await import('node:fs');
    const ticks = (path) => {
      try {
        const stat = readFileSync(path, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[11]) + Number(fields[12]);
      } catch {
        return null;
      }
    };
    const pg = (await import(ctx.urls.pg)).default;
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      const backends = {};
      for (const { pid } of rows) {
        const used = ticks('/proc/' + pid + '/stat');
        if (used !== null) backends[pid] = used;
      }
      return { thread: ticks('/proc/thread-self/stat'), backends, statements: statementsSent };
    } finally {
      await client.end();
    }
  }
  if (message.type === 'cleanup') {
    const { getQueueToken } = await import(ctx.urls.nestBullmq);
    const queue = ctx.app.get(getQueueToken('calls'));
    const counts = await queue.getJobCounts('wait', 'delayed', 'completed', 'failed');
    await queue.obliterate({ force: true });
    return counts;
  }
  return profilerHandle(ctx, message);
}
`;

interface Ready {
  flowId: string;
}

/**
 * CPU ticks (1/100 s) of the API thread and of the bench database's Postgres backends, by pid, and
 * the SQL statements the API has sent so far.
 */
interface ThreadCpu {
  thread: number | null;
  backends: Record<string, number>;
  statements: number;
}

interface Verified {
  calls: number;
  queued: number;
  gated: number;
  decisions: number;
  decidedCalls: number;
  jobs: Record<string, number>;
}

let running: (Promise<autocannon.Result> & { stop?: () => void }) | undefined;
/**
 * The next request's number, across the warm-up and the measured run: autocannon may have sent
 * requests it did not count when a run stops, so restarting from its count would repeat a key (a
 * replay, or a 409 while the first is in flight) and measure a request that creates nothing.
 */
let sequence = 1;

async function load(base: string, key: string, flowId: string, seconds: number): Promise<autocannon.Result> {
  running = autocannon({
    url: `${base}/v1/calls`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          const n = sequence++;
          return {
            ...request,
            headers: { ...request.headers, 'idempotency-key': `bench-${process.pid}-${n}` },
            body: JSON.stringify({ to: phoneOf(n % NUMBERS), flowId, callerId: CALLER_ID, variables: VARIABLES }),
          };
        },
      },
    ],
  });
  try {
    return await running;
  } finally {
    running = undefined;
  }
}

async function main(): Promise<void> {
  const cpus = availableParallelism();
  const [load1 = 0] = loadavg();
  console.log(`calls: POST /v1/calls, ${CONNECTIONS} connections × ${DURATION_S} s, ${NUMBERS} consented numbers`);
  console.log(`node ${process.version}, ${cpus} CPUs, load average ${load1.toFixed(2)}\n`);
  if (load1 > cpus) {
    console.warn(`warning: the machine is busy (load ${load1.toFixed(1)} on ${cpus} CPUs): figures will be low\n`);
  }

  buildApi();
  let api: Awaited<ReturnType<typeof startApiThread<Ready>>> | undefined = undefined;
  const cleanup = async () => {
    running?.stop?.();
    await api?.request({ type: 'cleanup' }).catch(() => undefined);
    await api?.stop();
  };
  onInterrupt(cleanup);
  process.stdout.write(`setting up (caller id, published flow, ${NUMBERS} consents)… `);
  const started = performance.now();
  api = await startApiThread<Ready>({
    // designer: the flow is created and published by the set-up
    roles: ['designer', 'operator', 'compliance'],
    imports: { nestBullmq: '@nestjs/bullmq', pg: 'pg' },
    plugin: PLUGIN,
  });
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);

  try {
    const { base, key, flowId } = api.ready;
    // one request first: a bench of error answers would measure the wrong thing
    const probe = await fetch(`${base}/v1/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: phoneOf(0), flowId, callerId: CALLER_ID, variables: VARIABLES }),
    });
    const created = (await probe.json()) as { status?: string; decision?: { outcome?: string } };
    if (probe.status !== 202 || created.status === 'blocked') {
      throw new Error(`POST /v1/calls answers ${probe.status}: ${JSON.stringify(created).slice(0, 500)}`);
    }
    console.log(
      `a call is ${created.status} (${created.decision?.outcome ?? '?'}): gate and enqueue on every request\n`,
    );

    process.stdout.write(`warm-up ${WARMUP_S} s, then ${DURATION_S} s… `);
    const warm = await load(base, key, flowId, WARMUP_S);
    if (PROFILE) await api.request({ type: 'profile-start' });
    const threadBefore = await api.request<ThreadCpu>({ type: 'cpu' });
    const machineBefore = cpuSnapshot();
    const cpuBefore = process.cpuUsage();
    const result = await load(base, key, flowId, DURATION_S);
    const cpu = process.cpuUsage(cpuBefore);
    const machine = cpuSince(machineBefore);
    const threadAfter = await api.request<ThreadCpu>({ type: 'cpu' });
    const profile = PROFILE ? await api.request<ProfileSummary>({ type: 'profile-stop', label: 'calls' }) : undefined;
    console.log('done\n');

    const rps = result.requests.average;
    const p99 = result.latency.p99;
    printTable(
      ['route', 'req/s', 'p50', 'p99', 'max', 'requests', 'non-2xx', 'errors'],
      [
        [
          'POST /v1/calls',
          rps.toFixed(0),
          `${result.latency.p50} ms`,
          `${p99} ms`,
          `${result.latency.max} ms`,
          String(result.requests.total),
          nonSuccess(result),
          String(result.errors + result.timeouts),
        ],
      ],
    );
    console.log();
    const ok = result.non2xx === 0 && result.errors + result.timeouts === 0;
    printTable(
      ['goal', 'measured', 'result'],
      [
        [`≥ ${GOALS.requestsPerSecond} req/s`, rps.toFixed(0), rps >= GOALS.requestsPerSecond && ok ? 'PASS' : 'FAIL'],
        [`p99 ≤ ${GOALS.p99Ms} ms`, `${p99} ms`, p99 <= GOALS.p99Ms && ok ? 'PASS' : 'FAIL'],
      ],
    );
    if (!ok) console.log('(answers that are not 2xx, or errors, fail both goals)');
    // CPU of this process: the API thread and autocannon (Postgres and Redis are other processes)
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const [loadAfter = 0] = loadavg();
    console.log(
      `\nbench process CPU: ${(cpuMs / 1000).toFixed(1)} s in ${DURATION_S} s ` +
        `(${(cpuMs / Math.max(1, result.requests.total)).toFixed(1)} ms a request, API thread + load generator); ` +
        `load average ${loadAfter.toFixed(2)} at the end`,
    );

    console.log();
    // where one request's CPU went: the API thread, the database's own backends, Redis (every
    // client's: the machine is shared), and the load generator (the rest of this process)
    const requests = Math.max(1, result.requests.total);
    const perRequest = (seconds: number): string => `${((seconds * 1000) / requests).toFixed(2)} ms`;
    const apiSeconds =
      threadBefore.thread === null || threadAfter.thread === null
        ? null
        : (threadAfter.thread - threadBefore.thread) / 100;
    const postgresSeconds =
      Object.entries(threadAfter.backends).reduce(
        (sum, [pid, ticks]) => sum + ticks - (threadBefore.backends[pid] ?? 0),
        0,
      ) / 100;
    printTable(
      ['a request', 'measured'],
      [
        ['API thread', apiSeconds === null ? '?' : perRequest(apiSeconds)],
        ["Postgres (the bench database's backends)", perRequest(postgresSeconds)],
        ['Redis (every client of the server)', perRequest(machine.byName['redis-server'] ?? 0)],
        ['load generator (autocannon)', apiSeconds === null ? '?' : perRequest(cpuMs / 1000 - apiSeconds)],
        // under load, the decisions (and other writes) of concurrent requests share statements
        ['SQL statements sent by the API', ((threadAfter.statements - threadBefore.statements) / requests).toFixed(2)],
      ],
    );
    console.log(
      `machine ${machine.machineBusy === null ? '?' : (machine.machineBusy * 100).toFixed(0)} % busy during the run (everyone's work)\n`,
    );

    const answered = 1 + warm['2xx'] + result['2xx'];
    // requests autocannon cut off at the end of a run are still being served: wait until none is
    let found = await api.request<Verified>({ type: 'verify' });
    for (let waited = 0; waited < 10_000 && found.gated < found.calls; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      found = await api.request<Verified>({ type: 'verify' });
    }
    const jobs = Object.values(found.jobs).reduce((sum, n) => sum + n, 0);
    // requests cut off when a run stopped may have created calls nobody counted: at most one a connection
    const honest =
      found.calls >= answered &&
      found.calls <= answered + 2 * CONNECTIONS &&
      found.gated === found.calls &&
      found.decisions === found.calls &&
      found.decidedCalls === found.calls &&
      found.queued === found.calls &&
      jobs === found.calls;
    console.log();
    printTable(
      ['check', 'count'],
      [
        ['202 answers (probe, warm-up, run)', String(answered)],
        ['calls in Postgres', String(found.calls)],
        ['… queued', String(found.queued)],
        ['… with one gate decision', String(found.gated)],
        ['decisions logged for calls', `${found.decisions} (${found.decidedCalls} calls)`],
        ['jobs in Redis', String(jobs)],
      ],
    );
    console.log(
      honest
        ? 'every answered request created a call, gated it (one logged decision) and enqueued its job'
        : 'MISMATCH: the requests did not each create, gate and enqueue one call',
    );
    if (!honest) process.exitCode = 1;
    if (profile) printProfile(profile);
    if (QUERIES) {
      const sample = 200;
      const cpuBefore = process.cpuUsage();
      const startedAt = performance.now();
      const statements = await api.request<Array<{ statement: string; n: number }>>({
        type: 'count-queries',
        requests: sample,
        flowId,
        variables: VARIABLES,
        phones: Array.from({ length: sample }, (_, i) => phoneOf(i)),
      });
      const elapsed = performance.now() - startedAt;
      const used = process.cpuUsage(cpuBefore);
      const total = statements.reduce((sum, s) => sum + s.n, 0);
      // one request at a time: the bench process's CPU is the API thread's (the main thread waits)
      console.log(
        `\n${sample} requests one at a time: ${(elapsed / sample).toFixed(1)} ms each, ` +
          `${((used.user + used.system) / 1000 / sample).toFixed(1)} ms of CPU (its client in the same thread included), ${(total / sample).toFixed(1)} SQL statements\n`,
      );
      printTable(
        ['statement', 'a request'],
        statements.map((s) => [s.statement, (s.n / sample).toFixed(1)]),
      );
    }
    const counts = await api.request<Record<string, number>>({ type: 'cleanup' });
    console.log(
      `\nqueue: ${Object.entries(counts)
        .map(([state, count]) => `${count} ${state}`)
        .join(', ')} (obliterated)`,
    );
  } finally {
    await api.stop();
  }
}

try {
  await main();
} catch (error) {
  console.error(`\ncalls: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
