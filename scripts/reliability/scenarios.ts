/**
 * The four scenarios of issue 5 ("Reliability — the tests must show, with figures"). Each starts
 * its own services and product, runs its work, breaks something for real, and reports figures and
 * violations (a violation makes the run exit 1).
 */
import {
  campaignCalls,
  campaignDuplicateDials,
  claimsInLogs,
  consent,
  contactTally,
  dialledCount,
  duplicateDials,
  formatStatuses,
  numbers,
  placeCalls,
  startCampaign,
  type Tally,
  tally,
  unfinished,
  waitUntilContactsFinal,
  waitUntilFinal,
} from './lib/calls.js';
import { Product } from './lib/product.js';
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
  workerEnv: Record<string, string> = {},
): Promise<T> {
  const redis = await PrivateRedis.start();
  const databaseUrl = await createDatabase(context.serverUrl);
  const product = new Product({
    label,
    databaseUrl,
    redisUrl: redis.url,
    logDir: context.logDir,
    apiEnv: context.apiEnv,
    workerEnv,
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

// ------------------------------------------------------------------ a, b: a campaign under a fault

const CAMPAIGN_CONTACTS = 200;

/**
 * A 200-contact campaign (no pacing limit worth the name, retries of calls that failed: a call cut
 * by the fault ends `failed` once its lease runs out, and its contact is called again a minute
 * later) with the jobs queued before any worker runs; `fault` strikes when a third of the contacts
 * are final. Checks: every contact final, the campaign completed, no contact attempt dialled twice
 * (Postgres) or claimed twice (the workers' logs).
 */
async function campaignUnderFault(
  context: ScenarioContext,
  label: string,
  title: string,
  offset: number,
  fault: (product: Product, redis: PrivateRedis, now: Tally) => Promise<string>,
): Promise<ScenarioResult> {
  // the simulated callee takes 300 ms to answer, so calls are in progress when the fault strikes
  return withProduct(
    context,
    label,
    async (product, redis) => {
      const violations: string[] = [];
      const notes: string[] = [];
      const phones = numbers('212', CAMPAIGN_CONTACTS, offset);
      await consent(product, phones);
      const campaignId = await startCampaign(product, title, phones, {
        maxConcurrent: 8,
        perMinute: 6_000,
        retry: { maxAttempts: 2, minGapMinutes: 1, on: ['failed'] },
      });
      context.log(`campaign of ${CAMPAIGN_CONTACTS} contacts started; starting worker 1`);

      const started = Date.now();
      await product.startWorker();
      let faultAt = 0;
      let atFault: Tally | undefined;
      const { done } = await waitUntilContactsFinal(
        product,
        campaignId,
        120_000 + context.recoveryTimeoutS * 1000,
        async (now) => {
          if (faultAt === 0 && now.final >= CAMPAIGN_CONTACTS / 3) {
            faultAt = Date.now();
            atFault = now;
            context.log(await fault(product, redis, now));
          }
        },
      );
      const finishedAt = Date.now();
      if (faultAt === 0) violations.push('the fault never struck: the campaign finished before a third was final?');

      const last = await contactTally(product, campaignId);
      if (!done) {
        violations.push(
          `${last.total - last.final} of ${last.total} contacts never reached a final state (${formatStatuses(last.byStatus)})`,
        );
      }
      if (last.total !== CAMPAIGN_CONTACTS) violations.push(`${last.total} contacts, ${CAMPAIGN_CONTACTS} uploaded`);
      const campaign = await product.request('GET', `/v1/campaigns/${campaignId}`);
      if (done && campaign.body?.status !== 'completed') {
        violations.push(`the campaign is ${String(campaign.body?.status)}, not completed`);
      }
      const twice = await campaignDuplicateDials(product, campaignId);
      if (twice.length > 0) {
        violations.push(
          `${twice.length} contact attempts dialled more than once, e.g. ${twice
            .slice(0, 3)
            .map((row) => `${row.contactId.slice(0, 8)} attempt ${row.attempt}: ${row.dials} dials`)
            .join('; ')}`,
        );
      }
      const claimedTwice = [...claimsInLogs(product.workers).entries()].filter(([, times]) => times.length > 1);
      if (claimedTwice.length > 0) {
        violations.push(`${claimedTwice.length} call attempts claimed more than once in the workers' logs`);
      }
      const calls = await campaignCalls(product, campaignId);
      const dialled = await dialledCount(product, calls);
      const retried = await product.query<{ count: string }>(
        `SELECT count(*) AS count FROM calls WHERE campaign_id = $1 AND attempt > 1`,
        [campaignId],
      );
      notes.push(
        `at the fault: ${atFault ? `${atFault.final} contacts final, ${atFault.inFlight} calls in flight` : '—'}; ` +
          `${calls.length} calls for ${CAMPAIGN_CONTACTS} contacts (${retried[0]?.count ?? 0} retries), ${dialled} dialled`,
      );
      if (atFault && atFault.inFlight === 0) notes.push('no call was in flight at the fault: it hit between calls');
      return {
        name: title,
        contacts: CAMPAIGN_CONTACTS,
        finalStates: formatStatuses(last.byStatus),
        duplicates: twice.length + claimedTwice.length,
        finishS: done ? seconds(finishedAt - started) : null,
        recoverS: done && faultAt ? seconds(finishedAt - faultAt) : null,
        violations,
        notes,
      };
    },
    { SIMULATED_TURN_DELAY_MS: '300' },
  );
}

// ------------------------------------------------------------------ a. SIGKILL the worker

export const killWorker: Scenario = async (context) =>
  campaignUnderFault(context, 'kill-worker', 'a. SIGKILL the worker', 0, async (product) => {
    const [first] = product.workers;
    await first?.kill('SIGKILL');
    await product.startWorker();
    return 'SIGKILL worker 1; worker 2 started';
  });

// ------------------------------------------------------------------ b. restart Redis

export const restartRedis: Scenario = async (context) =>
  campaignUnderFault(context, 'restart-redis', 'b. restart Redis', 1_000, async (_product, redis) => {
    await redis.kill();
    await redis.start();
    return 'Redis killed and restarted EMPTY (no persistence): every waiting job was lost with it';
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
    const phones = numbers('212', count, 2000);
    await consent(product, phones);
    await product.startWorker();
    // due in a few seconds: the jobs come due while Postgres is down
    const dueInMs = 6_000;
    const ids = await placeCalls(product, phones, { scheduleAt: new Date(product.now().getTime() + dueInMs) });
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
    const phones = numbers('212', 6, 3000);
    await consent(product, phones);
    await product.startWorker();
    const started = Date.now();
    const ids = await placeCalls(product, phones, { scheduleAt: new Date(product.now().getTime() + 5_000) });
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
