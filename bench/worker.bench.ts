/**
 * Simulated calls completed per second by ONE call worker, and each call's claim → complete time.
 *
 *   npm run bench -- worker [--calls N] [--concurrency N] [--profile] [--api-env NAME=VALUE …]
 *
 * The API is built and runs in a worker thread (bench/lib/api-thread.ts) with a WORKER_TOKEN; the
 * call worker is the built agent (`apps/agent/dist/main.js`) as a child process — the process
 * boundary production has — with API_URL, WORKER_TOKEN, REDIS_URL, DATABASE_URL (its queue prefix)
 * and WORKER_CONCURRENCY (`--concurrency`, default 2 as the agent's own default), without LiveKit
 * or OpenAI: the simulated callee (answering as a human) and the local understanding.
 *
 * Set-up, not timed: the `appointment-reminder` flow published, an owned caller id, a campaign of
 * `--calls` contacts (default 1,000) without pacing limits (10,000 at once, 60,000 a minute), each
 * consented (bench/lib/fixtures.ts), started: every call is queued in Postgres and its job waits in
 * Redis. The numbers are in an area code whose local time is inside the calling hours now (New
 * York … Guam, chosen from the clock; the gate would defer them otherwise), so no call waits.
 *
 * Timed: the worker is started and drains the queue — for every call the dial-time gate and the
 * lease (`/internal/calls/:id/claim`), the flow with the simulated callee, the events and the
 * completion, which ends the campaign contact. Measured from its first claim to its last
 * completion (the worker's own log lines, `call claimed` / `call completed`); checked in Postgres:
 * every call completed, each claimed once, the campaign completed. Prints calls/s, claim →
 * complete p50/p95/p99/max, and the CPU of the worker, the API, Postgres and Redis. `--profile`
 * samples the API thread (the side that gates, leases and records each call) while the worker runs.
 *
 * The worker is stopped, the queues removed and the database dropped at the end, on failure and on
 * Ctrl-C. Exits 0 unless the bench could not run or a check failed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultRuleSet } from '@switchboard/compliance';
import { buildApi, onInterrupt, ROOT, startApiThread, type ApiThread } from './lib/api-thread.js';
import { cpuSince, cpuSnapshot, describeCpu, processCpuSeconds } from './lib/cpu.js';
import { FIXTURES_PLUGIN } from './lib/fixtures.js';
import { PROFILER_PLUGIN, type ProfileSummary, printProfile } from './lib/profile.js';
import { call } from './lib/load.js';
import { redisUrl, removeQueues } from './lib/queues.js';
import { apiEnvArgs, numberArg, percentile, printTable } from './lib/report.js';

const CALLS = numberArg('--calls', 1_000);
const CONCURRENCY = numberArg('--concurrency', 2);
const PROFILE = process.argv.includes('--profile');
const CALLER_ID = '+12125550199';
/** Area codes of one zone each, west to east round the clock: one of them is in calling hours at almost any hour. */
const CANDIDATE_NPAS = ['212', '312', '303', '415', '907', '808', '671', '787'];
/** The worker must finish this long after its last completion, else the bench gives up. */
const STALL_MS = 60_000;

const PLUGIN = `
${FIXTURES_PLUGIN}
${PROFILER_PLUGIN}

export async function handle(ctx, message) {
  if (message.type === 'setup') {
    const flowId = await publishedFlow(ctx, '${CALLER_ID}');
    await recordConsents(ctx, message.phones);
    const verdict = await dryRun(ctx, message.phones[0], '${CALLER_ID}', new Date().toISOString(), 'DIAL_NOW');
    return { flowId, verdict };
  }
  if (message.type === 'progress') {
    return withClient(ctx, async (client) => {
      const rows = (await client.query(
        'SELECT status, count(*)::int AS n FROM calls WHERE campaign_id = $1 GROUP BY 1', [message.campaignId])).rows;
      return Object.fromEntries(rows.map((row) => [row.status, row.n]));
    });
  }
  if (message.type === 'verify') {
    return withClient(ctx, async (client) => {
      const [calls] = (await client.query(
        \`SELECT count(*)::int AS calls, count(*) FILTER (WHERE status = 'completed')::int AS completed,
                count(DISTINCT id) FILTER (WHERE claimed_by IS NULL AND completed_at IS NOT NULL)::int AS released,
                count(*) FILTER (WHERE cardinality(decision_ids) = 2)::int AS "gatedTwice"
           FROM calls WHERE campaign_id = $1\`, [message.campaignId])).rows;
      const [campaign] = (await client.query('SELECT status FROM campaigns WHERE id = $1', [message.campaignId])).rows;
      return { ...calls, campaign: campaign.status };
    });
  }
  return profilerHandle(ctx, message);
}
`;

interface Verified {
  calls: number;
  completed: number;
  released: number;
  gatedTwice: number;
  campaign: string;
}

/** An area code all of whose zones are between 08:10 and 20:30 now (calls must not be deferred meanwhile). */
function areaCodeInHours(now: Date): { npa: string; zones: readonly string[] } | null {
  for (const npa of CANDIDATE_NPAS) {
    const zones = defaultRuleSet.areaCodes.get(npa)?.zones ?? [];
    const inside =
      zones.length > 0 &&
      zones.every((zone) => {
        const [hour = 0, minute = 0] = new Intl.DateTimeFormat('en-GB', {
          timeZone: zone,
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        })
          .format(now)
          .split(':')
          .map(Number);
        const minutes = hour * 60 + minute;
        return minutes >= 8 * 60 + 10 && minutes <= 20 * 60 + 30;
      });
    if (inside) return { npa, zones };
  }
  return null;
}

interface WorkerLog {
  ready: number | null;
  claimed: Map<string, number>;
  completed: Map<string, number>;
  claims: number;
  problems: string[];
}

/** Reads the worker's pino lines: when it was ready, when each call was claimed and completed. */
function watchWorker(child: ChildProcess): WorkerLog {
  const log: WorkerLog = { ready: null, claimed: new Map(), completed: new Map(), claims: 0, problems: [] };
  let rest = '';
  const onLine = (text: string) => {
    if (!text.startsWith('{')) {
      if (text.trim()) log.problems.push(text.slice(0, 300));
      return;
    }
    let line: { msg?: string; time?: number; callId?: string; level?: number };
    try {
      line = JSON.parse(text) as typeof line;
    } catch {
      return;
    }
    const at = line.time ?? Date.now();
    if (line.msg === 'agent worker ready') log.ready = at;
    else if (line.msg === 'call claimed' && line.callId) {
      log.claims += 1;
      log.claimed.set(line.callId, at);
    } else if (line.msg === 'call completed' && line.callId) log.completed.set(line.callId, at);
    else if ((line.level ?? 0) >= 40) log.problems.push(`${line.msg ?? text.slice(0, 200)}`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) onLine(part);
    });
  }
  return log;
}

const count = (n: number): string => n.toLocaleString('en-US');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const cpus = availableParallelism();
  const [load1 = 0] = loadavg();
  console.log(`worker: ${count(CALLS)} simulated calls, one worker process, concurrency ${CONCURRENCY}`);
  console.log(`node ${process.version}, ${cpus} CPUs, load average ${load1.toFixed(2)}\n`);
  if (load1 > cpus) {
    console.warn(`warning: the machine is busy (load ${load1.toFixed(1)} on ${cpus} CPUs): figures will be low\n`);
  }
  const area = areaCodeInHours(new Date());
  if (!area) {
    throw new Error(
      `no candidate area code (${CANDIDATE_NPAS.join(', ')}) is inside the calling hours now: try again in an hour`,
    );
  }
  const phones = Array.from({ length: CALLS }, (_, i) => `+1${area.npa}${String(3_000_000 + i).padStart(7, '0')}`);

  buildApi({ agent: true });
  const workerToken = randomBytes(24).toString('base64url');
  let api: ApiThread<Record<string, never>> | undefined = undefined;
  let worker: ChildProcess | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      if (worker && worker.exitCode === null && worker.signalCode === null) {
        const exited = new Promise((resolve) => worker?.once('exit', resolve));
        worker.kill('SIGKILL');
        await exited;
      }
      const databaseUrl = api?.ready.databaseUrl;
      await api?.stop();
      if (databaseUrl) await removeQueues(databaseUrl).catch(() => 0);
    })());
  onInterrupt(cleanup);
  api = await startApiThread({
    roles: ['designer', 'operator', 'compliance'],
    env: { ...apiEnvArgs(), WORKER_TOKEN: workerToken },
    imports: { pg: 'pg' },
    plugin: PLUGIN,
  });

  try {
    const { base, key, databaseUrl } = api.ready;
    process.stdout.write(`setting up (flow, ${count(CALLS)} consents in area code ${area.npa}, campaign)… `);
    let started = performance.now();
    const setup = await api.request<{ flowId: string; verdict: { outcome: string; reasons: string[] } }>({
      type: 'setup',
      phones,
    });
    if (setup.verdict.outcome !== 'ALLOWED') {
      throw new Error(
        `the gate does not allow a call to ${area.npa} now: ${setup.verdict.outcome} ${setup.verdict.reasons.join(', ')}`,
      );
    }
    const campaign = await call<{ id: string }>(base, 'POST', '/v1/campaigns', {
      token: key,
      expect: 201,
      body: {
        name: 'bench worker',
        flowId: setup.flowId,
        callerId: CALLER_ID,
        pacing: { maxConcurrent: 10_000, perMinute: 60_000 },
      },
    });
    const csv = `phone,first_name,appointment_at,answers\n${phones.map((phone, i) => `${phone},Patient ${i},2026-12-01T15:00:00Z,human`).join('\n')}\n`;
    const upload = await fetch(`${base}/v1/campaigns/${campaign.id}/contacts?simulation=answers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body: csv,
    });
    if (upload.status !== 200) throw new Error(`upload: ${upload.status} ${(await upload.text()).slice(0, 500)}`);
    const detail = await call<{ counters: { queued: number } }>(base, 'POST', `/v1/campaigns/${campaign.id}/start`, {
      token: key,
      expect: 200,
    });
    if (detail.counters.queued !== CALLS) {
      throw new Error(`${detail.counters.queued} calls queued, not ${CALLS}: ${JSON.stringify(detail.counters)}`);
    }
    console.log(`${((performance.now() - started) / 1000).toFixed(1)} s; ${count(CALLS)} calls queued`);

    // ---------------------------------------------------------------- timed
    process.stdout.write(`worker draining the queue… `);
    if (PROFILE) await api.request({ type: 'profile-start' });
    const cpuBefore = cpuSnapshot();
    started = performance.now();
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [fileURLToPath(new URL('apps/agent/dist/main.js', ROOT))], {
      cwd: fileURLToPath(ROOT),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        API_URL: base,
        WORKER_TOKEN: workerToken,
        REDIS_URL: redisUrl(),
        DATABASE_URL: databaseUrl,
        WORKER_CONCURRENCY: String(CONCURRENCY),
        WORKER_ID: 'bench-worker',
        LOG_LEVEL: 'info',
      },
    });
    worker = child;
    const log = watchWorker(child);
    let exitedEarly: string | null = null;
    child.once('exit', (code, signal) => (exitedEarly = `the worker exited (${signal ?? code})`));
    let lastProgress = Date.now();
    let seen = 0;
    while (log.completed.size < CALLS) {
      if (exitedEarly) throw new Error(`${exitedEarly}:\n${log.problems.slice(-10).join('\n')}`);
      if (log.completed.size > seen) {
        seen = log.completed.size;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > STALL_MS) {
        const statuses = await api.request<Record<string, number>>({ type: 'progress', campaignId: campaign.id });
        throw new Error(
          `no call completed for ${STALL_MS / 1000} s (${seen} of ${CALLS}; calls ${JSON.stringify(statuses)}):\n` +
            log.problems.slice(-10).join('\n'),
        );
      }
      await sleep(100);
    }
    const drainedS = (performance.now() - started) / 1000;
    const workerCpu = processCpuSeconds(child.pid ?? -1);
    const cpu = cpuSince(cpuBefore);
    const profile = PROFILE
      ? await api.request<ProfileSummary>({ type: 'profile-stop', label: 'worker-api' })
      : undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    console.log('done\n');

    // ---------------------------------------------------------------- figures and checks
    const claimTimes = [...log.claimed.values()];
    const doneTimes = [...log.completed.values()];
    const firstClaim = Math.min(...claimTimes);
    const lastDone = Math.max(...doneTimes);
    const windowS = (lastDone - firstClaim) / 1000;
    const latencies = [...log.completed]
      .flatMap(([callId, done]) => {
        const claimed = log.claimed.get(callId);
        return claimed === undefined ? [] : [done - claimed];
      })
      .sort((a, b) => a - b);
    const found = await api.request<Verified>({ type: 'verify', campaignId: campaign.id });
    const gatedTwice = found.gatedTwice;

    printTable(
      ['one worker, concurrency ' + String(CONCURRENCY), 'figure'],
      [
        ['calls completed', count(log.completed.size)],
        ['first claim → last completion', `${windowS.toFixed(1)} s`],
        ['completed calls/s', (log.completed.size / windowS).toFixed(1)],
        ['worker start → ready', log.ready === null ? '?' : `${((log.ready - spawnedAt) / 1000).toFixed(1)} s`],
        ['worker start → last completion', `${drainedS.toFixed(1)} s`],
        [
          'claim → complete p50 / p95 / p99 / max',
          [0.5, 0.95, 0.99, 1].map((q) => `${percentile(latencies, q).toFixed(0)} ms`).join(' / '),
        ],
        [
          'worker process CPU',
          workerCpu === null
            ? '?'
            : `${workerCpu.toFixed(1)} s (${((workerCpu / CALLS) * 1000).toFixed(1)} ms a call, start-up included)`,
        ],
        ['CPU while draining', describeCpu(cpu)],
        ['load average at the end', (loadavg()[0] ?? 0).toFixed(2)],
      ],
    );

    const checks: Array<[string, string, boolean]> = [
      [
        'every call completed (Postgres)',
        `${count(found.completed)} of ${count(found.calls)}`,
        found.completed === CALLS,
      ],
      [
        'each call claimed once (worker log)',
        `${count(log.claims)} claims, ${count(log.claimed.size)} calls`,
        log.claims === CALLS && log.claimed.size === CALLS,
      ],
      ['gated at schedule and at dial time', `${count(gatedTwice)} calls with 2 decisions`, gatedTwice === CALLS],
      ['leases released', `${count(found.released)}`, found.released === CALLS],
      ['the campaign completed', found.campaign, found.campaign === 'completed'],
      [
        'no warning or error from the worker',
        log.problems.length === 0 ? 'none' : log.problems.slice(0, 3).join(' | '),
        log.problems.length === 0,
      ],
    ];
    console.log();
    printTable(
      ['check', 'found', 'result'],
      checks.map(([what, value, ok]) => [what, value, ok ? 'ok' : 'FAIL']),
      ['left', 'left', 'left'],
    );
    if (!checks.every(([, , ok]) => ok)) process.exitCode = 1;
    if (profile) printProfile(profile);
  } finally {
    await cleanup();
  }
}

try {
  await main();
} catch (error) {
  console.error(`\nworker: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
