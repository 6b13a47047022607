/**
 * The four scenarios of issue 5 ("Reliability — the tests must show, with figures"). Each starts
 * its own services and product, runs its work, breaks something for real, and reports figures and
 * violations (a violation makes the run exit 1).
 */
import {
  claimsInLogs,
  consent,
  daytimeAreaCode,
  dialledCount,
  duplicateDials,
  formatStatuses,
  numbers,
  placeCalls,
  tally,
  unfinished,
  waitUntilFinal,
} from './lib/calls.js';
import { type Proc, Product } from './lib/product.js';
import { createDatabase, dropDatabase, PrivateCluster, PrivateRedis, sleep } from './lib/services.js';

export interface ScenarioResult {
  name: string;
  contacts: number;
  finalStates: string;
  duplicates: number;
  /** seconds from the start of the work until every call was final (null: never) */
  finishS: number | null;
  /** seconds from the fault (or from the service's return) until every call was final (null: never) */
  recoverS: number | null;
  violations: string[];
  notes: string[];
}

export interface ScenarioContext {
  /** the shared Postgres server's URL (a database of the scenario's own is made on it) */
  serverUrl: string;
  logDir: string;
  /** settings given to the API of every scenario (short lease, fast sweeper…) */
  apiEnv: Record<string, string>;
  /** seconds to wait for every call to be final after the fault */
  recoveryTimeoutS: number;
  log: (text: string) => void;
}

export type Scenario = (context: ScenarioContext) => Promise<ScenarioResult>;

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** A product on a private Redis and a database of its own on the shared Postgres, torn down after `body`. */
async function withProduct<T>(
  context: ScenarioContext,
  label: string,
  body: (product: Product, redis: PrivateRedis) => Promise<T>,
): Promise<T> {
  const redis = await PrivateRedis.start();
  const databaseUrl = await createDatabase(context.serverUrl);
  const product = new Product({
    label,
    databaseUrl,
    redisUrl: redis.url,
    logDir: context.logDir,
    apiEnv: context.apiEnv,
  });
  try {
    await product.prepare();
    await product.startApi();
    return await body(product, redis);
  } finally {
    await product.shutdown();
    await redis.kill();
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
}

/** The checks every scenario shares: all final, no call dialled twice (Postgres and the workers' logs). */
async function commonChecks(
  product: Product,
  ids: string[],
  done: boolean,
  violations: string[],
): Promise<{ duplicates: number; finalStates: string }> {
  const last = await tally(product, ids);
  if (!done || last.final !== last.total) {
    violations.push(
      `${last.total - last.final} of ${last.total} calls never reached a final state (${formatStatuses(last.byStatus)}; e.g. ${await unfinished(product, ids)})`,
    );
  }
  const twice = await duplicateDials(product, ids);
  if (twice.length > 0) {
    violations.push(
      `${twice.length} calls dialled more often than their attempts (Postgres call_attempts), e.g. ${twice
        .slice(0, 3)
        .map((row) => `${row.callId.slice(0, 8)}: ${row.dials} dials for attempt ${row.attempt}`)
        .join('; ')}`,
    );
  }
  const logged = [...claimsInLogs(product.workers).entries()].filter(([, times]) => times.length > 1);
  if (logged.length > 0) {
    violations.push(`${logged.length} call attempts claimed more than once in the workers' logs (${logged[0]?.[0]})`);
  }
  return { duplicates: twice.length + logged.length, finalStates: formatStatuses(last.byStatus) };
}

// ------------------------------------------------------------------ a. SIGKILL the worker

export const killWorker: Scenario = async (context) =>
  withProduct(context, 'kill-worker', async (product) => {
    const violations: string[] = [];
    const notes: string[] = [];
    const count = 200;
    const phones = numbers(daytimeAreaCode(), count, 0);
    await consent(product, phones);
    // every job waits in the queue before a worker exists, so the kill lands in the middle of the work
    const ids = await placeCalls(product, phones);
    context.log(`${count} calls queued; starting worker 1`);

    const started = Date.now();
    const first = await product.startWorker();
    let killedAt = 0;
    let inFlightAtKill = 0;
    let second: Proc | undefined;
    const { done } = await waitUntilFinal(product, ids, 60_000 + context.recoveryTimeoutS * 1000, async (now) => {
      if (killedAt === 0 && now.final >= count / 3) {
        killedAt = Date.now();
        inFlightAtKill = now.inFlight;
        await first.kill('SIGKILL');
        context.log(`SIGKILL worker 1 at ${now.final}/${count} final, ${now.inFlight} in flight; starting worker 2`);
        second = await product.startWorker();
      }
    });
    const finishedAt = Date.now();
    if (killedAt === 0) violations.push('the worker was never killed: the calls finished before a third were final?');
    if (inFlightAtKill === 0) {
      notes.push(
        'no call was dialing/in_progress at the kill (simulated calls take milliseconds): the crash hit between calls',
      );
    }
    const checks = await commonChecks(product, ids, done, violations);
    const secondClaims = second ? [...claimsInLogs([second]).keys()].length : 0;
    notes.push(`${inFlightAtKill} calls in flight at the kill; worker 2 claimed ${secondClaims}`);
    return {
      name: 'a. SIGKILL the worker',
      contacts: count,
      finalStates: checks.finalStates,
      duplicates: checks.duplicates,
      finishS: done ? seconds(finishedAt - started) : null,
      recoverS: done && killedAt ? seconds(finishedAt - killedAt) : null,
      violations,
      notes,
    };
  });

// ------------------------------------------------------------------ b. restart Redis

export const restartRedis: Scenario = async (context) =>
  withProduct(context, 'restart-redis', async (product, redis) => {
    const violations: string[] = [];
    const notes: string[] = [];
    const count = 200;
    const phones = numbers(daytimeAreaCode(), count, 1000);
    await consent(product, phones);
    const ids = await placeCalls(product, phones);
    context.log(`${count} calls queued; starting the worker`);

    const started = Date.now();
    await product.startWorker();
    let restartedAt = 0;
    let finalAtRestart = 0;
    const { done } = await waitUntilFinal(product, ids, 60_000 + context.recoveryTimeoutS * 1000, async (now) => {
      if (restartedAt === 0 && now.final >= count / 3) {
        finalAtRestart = now.final;
        await redis.kill();
        await redis.start();
        restartedAt = Date.now();
        context.log(`Redis killed and restarted EMPTY at ${now.final}/${count} final (${now.inFlight} in flight)`);
      }
    });
    const finishedAt = Date.now();
    const checks = await commonChecks(product, ids, done, violations);
    notes.push(`${finalAtRestart} calls final when Redis restarted; every job of the others was lost with it`);
    return {
      name: 'b. restart Redis',
      contacts: count,
      finalStates: checks.finalStates,
      duplicates: checks.duplicates,
      finishS: done ? seconds(finishedAt - started) : null,
      recoverS: done && restartedAt ? seconds(finishedAt - restartedAt) : null,
      violations,
      notes,
    };
  });

// ------------------------------------------------------------------ c. stop Postgres

interface Probe {
  route: string;
  status: number;
  ms: number;
}

export const stopPostgres: Scenario = async (context) => {
  const cluster = await PrivateCluster.create();
  const redis = await PrivateRedis.start();
  const databaseUrl = await createDatabase(cluster.url);
  const product = new Product({
    label: 'stop-postgres',
    databaseUrl,
    redisUrl: redis.url,
    logDir: context.logDir,
    apiEnv: context.apiEnv,
  });
  try {
    await product.prepare();
    await product.startApi();
    const violations: string[] = [];
    const notes: string[] = [];
    const count = 30;
    const phones = numbers(daytimeAreaCode(), count, 2000);
    await consent(product, phones);
    await product.startWorker();
    // due in a few seconds: the jobs come due while Postgres is down
    const dueInMs = 6_000;
    const ids = await placeCalls(product, phones, { scheduleAt: new Date(Date.now() + dueInMs) });
    const [sample] = ids;
    const started = Date.now();

    await cluster.stop();
    const stoppedAt = Date.now();
    context.log(`${count} calls due in ${dueInMs / 1000} s; Postgres stopped (-m immediate)`);
    const probes: Probe[] = [];
    const downForMs = dueInMs + 12_000;
    while (Date.now() - stoppedAt < downForMs) {
      const answers = await Promise.all([
        product
          .request('GET', '/health', undefined, { timeoutMs: 10_000 })
          .then((a) => ({ route: 'GET /health', ...a })),
        product
          .request('GET', `/v1/calls/${sample ?? ''}`, undefined, { timeoutMs: 10_000 })
          .then((a) => ({ route: 'GET /v1/calls/:id', ...a })),
        product
          .request(
            'POST',
            '/v1/calls',
            {
              to: phones[0],
              flowId: product.tenant.flowId,
              callerId: product.tenant.callerId,
              variables: { first_name: 'Ada', appointment_at: '2026-12-01T15:00:00Z' },
            },
            { timeoutMs: 10_000 },
          )
          .then((a) => ({ route: 'POST /v1/calls', ...a })),
      ]);
      probes.push(...answers.map(({ route, status, ms }) => ({ route, status, ms })));
      await sleep(1_000);
    }
    const restartAt = Date.now();
    await cluster.start();
    const startedAgainAt = Date.now();
    context.log(`Postgres started again after ${seconds(startedAgainAt - stoppedAt)} s`);

    // the API must recover by itself: /health 200 and the routes answering again
    let healthyAt = 0;
    while (Date.now() - startedAgainAt < 30_000) {
      const health = await product.request('GET', '/health', undefined, { timeoutMs: 3_000 });
      const read = await product.request('GET', `/v1/calls/${sample ?? ''}`, undefined, { timeoutMs: 3_000 });
      if (health.status === 200 && read.status === 200) {
        healthyAt = Date.now();
        break;
      }
      await sleep(200);
    }
    if (!healthyAt) violations.push('the API did not recover within 30 s of Postgres starting again');

    for (const route of ['GET /health', 'GET /v1/calls/:id', 'POST /v1/calls']) {
      const seen = probes.filter((probe) => probe.route === route);
      const wrong = seen.filter((probe) => probe.status !== 503);
      const slowest = Math.max(0, ...seen.map((probe) => probe.ms));
      notes.push(`${route} while down: ${summariseStatuses(seen)}, slowest ${Math.round(slowest)} ms`);
      if (wrong.length > 0)
        violations.push(`${route} answered ${summariseStatuses(wrong)} while Postgres was down (503 expected)`);
      if (slowest > 5_000) violations.push(`${route} took ${Math.round(slowest)} ms while Postgres was down (hangs)`);
    }

    // fail closed: no claim may have succeeded while Postgres was down
    const claimedWhileDown = [...claimsInLogs(product.workers).values()]
      .flat()
      .filter((at) => at >= stoppedAt && at <= restartAt);
    if (claimedWhileDown.length > 0)
      violations.push(`${claimedWhileDown.length} calls claimed while Postgres was down`);
    const refusedClaims = product.workers
      .flatMap((worker) => worker.lines)
      .filter(
        (line) =>
          line.at >= stoppedAt &&
          line.at <= startedAgainAt &&
          /claim|call job failed/i.test(String(line.json?.msg ?? '')),
      );
    notes.push(`${refusedClaims.length} worker log lines about failed/refused claims while down`);

    const { done } = await waitUntilFinal(product, ids, context.recoveryTimeoutS * 1000);
    const finishedAt = Date.now();
    const checks = await commonChecks(product, ids, done, violations);
    const dialled = await dialledCount(product, ids);
    if (done && dialled !== count) violations.push(`${count - dialled} calls never dialled after Postgres came back`);
    return {
      name: 'c. stop Postgres',
      contacts: count,
      finalStates: checks.finalStates,
      duplicates: checks.duplicates,
      finishS: done ? seconds(finishedAt - started) : null,
      recoverS: healthyAt ? seconds(healthyAt - startedAgainAt) : null,
      violations,
      notes: [
        `down ${seconds(startedAgainAt - stoppedAt)} s; API healthy again after ${healthyAt ? seconds(healthyAt - startedAgainAt) : '—'} s`,
        ...notes,
      ],
    };
  } finally {
    await product.shutdown();
    await redis.kill();
    await cluster.destroy();
  }
};

function summariseStatuses(probes: Probe[]): string {
  const counts = new Map<string, number>();
  for (const probe of probes) {
    const key = probe.status === 0 ? 'timeout' : String(probe.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([status, count]) => `${status} × ${count}`).join(', ') || 'nothing';
}

// ------------------------------------------------------------------ d. revoke consent while queued

export const revokeWhileQueued: Scenario = async (context) =>
  withProduct(context, 'revoke-queued', async (product) => {
    const violations: string[] = [];
    const notes: string[] = [];
    const phones = numbers(daytimeAreaCode(), 6, 3000);
    await consent(product, phones);
    await product.startWorker();
    const started = Date.now();
    const ids = await placeCalls(product, phones, { scheduleAt: new Date(Date.now() + 5_000) });
    const [revoked1, revoked2, dnc1, dnc2] = phones;
    const now = new Date().toISOString();
    for (const phone of [revoked1, revoked2]) {
      const res = await product.request('POST', '/v1/revocations', {
        phone,
        channel: 'sms',
        words: 'STOP',
        receivedAt: now,
      });
      if (res.status !== 201) throw new Error(`POST /v1/revocations: ${res.status} ${JSON.stringify(res.body)}`);
    }
    for (const phone of [dnc1, dnc2]) {
      const res = await product.request('POST', '/v1/dnc/internal', { phone, reason: 'asked by phone' });
      if (res.status !== 201) throw new Error(`POST /v1/dnc/internal: ${res.status} ${JSON.stringify(res.body)}`);
    }
    context.log('6 calls due in 5 s; consent revoked for 2, internal DNC for 2, 2 left alone');
    const { done } = await waitUntilFinal(product, ids, context.recoveryTimeoutS * 1000);
    const finishedAt = Date.now();
    const checks = await commonChecks(product, ids, done, violations);

    const rows = await product.query<{ id: string; to: string; status: string; outcome: string | null }>(
      `SELECT id, "to", status, last_decision->>'outcome' AS outcome FROM calls WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const dialled = new Set(
      (
        await product.query<{ call_id: string }>(
          `SELECT DISTINCT call_id FROM call_attempts WHERE call_id = ANY($1::text[])`,
          [ids],
        )
      ).map((row) => row.call_id),
    );
    const claimed = new Set([...claimsInLogs(product.workers).keys()].map((key) => key.split(':')[0]));
    const expectations: [string | undefined, string, string[]][] = [
      [revoked1, 'revoked', ['BLOCKED_CONSENT_REVOKED', 'BLOCKED_DNC_INTERNAL']],
      [revoked2, 'revoked', ['BLOCKED_CONSENT_REVOKED', 'BLOCKED_DNC_INTERNAL']],
      [dnc1, 'internal DNC', ['BLOCKED_DNC_INTERNAL']],
      [dnc2, 'internal DNC', ['BLOCKED_DNC_INTERNAL']],
    ];
    for (const [phone, why, outcomes] of expectations) {
      const row = rows.find((candidate) => candidate.to === phone);
      if (!row) continue;
      if (row.status !== 'blocked' || !outcomes.includes(row.outcome ?? '')) {
        violations.push(
          `${why}: call ${row.id.slice(0, 8)} ended ${row.status} (${row.outcome ?? 'no decision'}), not blocked`,
        );
      }
      if (dialled.has(row.id) || claimed.has(row.id)) violations.push(`${why}: call ${row.id.slice(0, 8)} was dialled`);
    }
    for (const phone of phones.slice(4)) {
      const row = rows.find((candidate) => candidate.to === phone);
      if (row && row.status !== 'completed')
        violations.push(`control call ${row.id.slice(0, 8)} ended ${row.status}, not completed`);
    }
    notes.push(
      `outcomes: ${rows
        .slice()
        .sort((a, b) => phones.indexOf(a.to) - phones.indexOf(b.to))
        .map((row) => row.outcome ?? row.status)
        .join(', ')}`,
    );
    return {
      name: 'd. revoke consent while queued',
      contacts: phones.length,
      finalStates: checks.finalStates,
      duplicates: checks.duplicates,
      finishS: done ? seconds(finishedAt - started) : null,
      recoverS: null,
      violations,
      notes,
    };
  });

export const SCENARIOS: Record<string, Scenario> = {
  a: killWorker,
  b: restartRedis,
  c: stopPostgres,
  d: revokeWhileQueued,
};
