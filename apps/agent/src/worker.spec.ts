import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CALLS_DEAD_LETTER_QUEUE_NAME, type CallDeadLetterJob, CallDeadLetterJobSchema } from '@switchboard/contracts';
import { Queue, QueueEvents } from 'bullmq';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { InternalClient } from './api/internal-client.js';
import type { CallJob, RunCallResult } from './call-session/run-call.js';
import { loadConfig } from './config.js';
import { FakeApi, type PlainApiOptions, pacedUntil, plainApi, unavailable } from './testing/fake-api.js';
import { CALLS_QUEUE, createWorker, stalledIntervalMs, type Worker, type WorkerOverrides } from './worker.js';

const TOKEN = 'wt_worker_test_token';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const FLOW = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../flows/appointment-reminder.flow.json', import.meta.url)), 'utf8'),
) as { tests: { variables?: Record<string, unknown> }[] };
const VARIABLES = FLOW.tests.find((test) => test.variables)?.variables ?? {};
const silent = pino({ level: 'silent' });

let n = 0;
const newCallId = () => `33333333-3333-4333-8333-${String(++n).padStart(12, '0')}`;
const jobIdOf = (callId: string, attempt = 1) => `call:${callId}:${attempt}`;

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the call worker on Redis', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
    cleanup.length = 0;
  });

  /** A fake API and the `calls` and `calls-dead-letter` queues under a prefix of this test's own. */
  async function setup(options: Partial<PlainApiOptions> = {}) {
    const prefix = `sb-test:worker-${process.pid}-${Date.now()}-${n}`;
    const fake = plainApi({ token: TOKEN, flow: FLOW, variables: VARIABLES, ...options });
    const api = await new FakeApi(fake.handler).start();
    cleanup.push(() => api.stop());

    const connection = { url: REDIS_URL };
    const queue = new Queue<CallJob, RunCallResult>(CALLS_QUEUE, { connection, prefix });
    const deadLetterQueue = new Queue<CallDeadLetterJob>(CALLS_DEAD_LETTER_QUEUE_NAME, { connection, prefix });
    const events = new QueueEvents(CALLS_QUEUE, { connection, prefix });
    cleanup.push(
      () => queue.close(),
      () => deadLetterQueue.close(),
      () => events.close(),
      () => queue.obliterate({ force: true }),
      () => deadLetterQueue.obliterate({ force: true }),
    );
    await events.waitUntilReady();

    const claims = () => api.requests.filter((request) => request.path.endsWith('/claim'));
    const deadLetters = async () => (await deadLetterQueue.getJobs()).map((job) => ({ id: job.id, data: job.data }));

    async function startWorker(
      env: Record<string, string> = {},
      overrides: WorkerOverrides = {},
      logger = silent,
    ): Promise<Worker> {
      const config = loadConfig({
        WORKER_TOKEN: TOKEN,
        API_URL: api.url,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        WORKER_CONCURRENCY: '2',
        WORKER_ID: 'worker-spec',
        ...env,
      });
      const worker = createWorker(config, logger, {
        // retried requests (events, opt-out, complete) back off by 1 ms, not 200
        client: new InternalClient({ apiUrl: api.url, workerToken: TOKEN, backoffMs: 1 }),
        ...overrides,
      });
      cleanup.push(() => worker.stop('test over'));
      await worker.start();
      return worker;
    }

    /** adds the attempt's job as the API does (id, payload), with the given retry options */
    const enqueue = (callId: string, opts: { attempts: number; backoff?: number }) =>
      queue.add(
        'dial',
        { callId, attempt: 1 },
        {
          jobId: jobIdOf(callId),
          attempts: opts.attempts,
          ...(opts.backoff !== undefined ? { backoff: { type: 'fixed', delay: opts.backoff } } : {}),
        },
      );

    return { prefix, fake, api, queue, events, claims, deadLetters, startWorker, enqueue };
  }

  it('consumes a job of the API queue (same prefix, same payload and id) and completes the call', async () => {
    const { fake, api, events, startWorker, enqueue, deadLetters } = await setup({
      simulation: { callee: ['yeah that works'] },
    });
    const results: [CallJob, RunCallResult][] = [];
    const worker = await startWorker({}, { onResult: (job, result) => results.push([job, result]) });

    const callId = newCallId();
    const job = await enqueue(callId, { attempts: 1 });
    const returned = await job.waitUntilFinished(events, 15_000);

    expect(returned).toMatchObject({ outcome: 'completed', disposition: 'completed', flowDisposition: 'confirmed' });
    expect(results).toEqual([[{ callId, attempt: 1 }, returned]]);
    expect(api.routes()[0]).toBe('claim');
    expect(api.routes().at(-1)).toBe('complete');
    expect(api.requests[0]!.body).toMatchObject({ attempt: 1, workerId: 'worker-spec' });
    expect(fake.calls.get(callId)!.completed).toMatchObject({ path: ['start', 'greet', 'confirm', 'confirmed_end'] });

    await worker.stop('test over');
    await worker.stopped;
    expect(await deadLetters()).toEqual([]);
  });

  it('delays a paced claim until retryAt without using an attempt, then completes the call', async () => {
    const retryAt = new Date(Date.now() + 1_500);
    const { queue, events, claims, startWorker, enqueue, deadLetters } = await setup({
      claimScript: [pacedUntil(retryAt)],
    });
    const errors: { msg: string }[] = [];
    const worker = await startWorker(
      {},
      {},
      pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line)) }),
    );

    const callId = newCallId();
    // one attempt only: a paced claim that counted as a failure would fail the job for good
    const job = await enqueue(callId, { attempts: 1 });
    await until(async () => claims().length === 1 && (await job.getState()) === 'delayed', 'the job to be delayed');
    const delayed = (await queue.getJob(jobIdOf(callId)))!;
    expect(delayed.attemptsMade).toBe(0);

    const returned = await job.waitUntilFinished(events, 15_000);
    expect(returned).toMatchObject({ outcome: 'completed', disposition: 'completed' });
    expect(claims()).toHaveLength(2);
    // the same job ran again, not before the API's retryAt
    expect(claims()[1]!.at).toBeGreaterThanOrEqual(retryAt.getTime());
    const done = (await queue.getJob(jobIdOf(callId)))!;
    expect(done.attemptsStarted).toBe(2);
    expect(done.attemptsMade).toBe(1);

    await worker.stop('test over');
    expect(await deadLetters()).toEqual([]);
    // BullMQ took the delay as such: no failure to record, no error
    expect(errors).toEqual([]);
  });

  it('never retries a job that failed after its claim, and reports exactly one dead letter', async () => {
    const { api, fake, queue, events, claims, startWorker, enqueue, deadLetters } = await setup({
      simulation: { callee: ['take me off your list'] },
    });
    // the API cannot record the opt-out: the call must not be completed, the attempt fails
    const inner = fake.handler;
    api.handler = (request) => (request.path.endsWith('/opt-out') ? unavailable() : inner(request));
    const worker = await startWorker();

    const callId = newCallId();
    const job = await enqueue(callId, { attempts: 3, backoff: 10 });
    await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(/opted out and the API did not record it/);

    const failed = (await queue.getJob(jobIdOf(callId)))!;
    expect(await failed.getState()).toBe('failed');
    expect(failed.attemptsMade).toBe(1);
    expect(claims()).toHaveLength(1);
    expect(api.routes()).not.toContain('complete');

    await worker.stop('test over');
    const letters = await deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]!.id).toBe(`dead:${callId}:1`);
    expect(CallDeadLetterJobSchema.parse(letters[0]!.data)).toMatchObject({
      callId,
      attempt: 1,
      jobId: jobIdOf(callId),
      reason: failed.failedReason,
      attemptsMade: 1,
      source: 'worker',
      workerId: 'worker-spec',
    });
  });

  it('retries a transient failure before the claim (API answering 503) and then completes the call', async () => {
    const { queue, events, claims, startWorker, enqueue, deadLetters } = await setup({ claimScript: [unavailable()] });
    const worker = await startWorker();

    const callId = newCallId();
    const job = await enqueue(callId, { attempts: 3, backoff: 50 });
    const returned = await job.waitUntilFinished(events, 15_000);

    expect(returned).toMatchObject({ outcome: 'completed' });
    expect(claims()).toHaveLength(2);
    // the failed try and the completed one
    expect((await queue.getJob(jobIdOf(callId)))!.attemptsMade).toBe(2);

    await worker.stop('test over');
    expect(await deadLetters()).toEqual([]);
  });

  it('reports one dead letter, with every attempt counted, once the retries are exhausted', async () => {
    const { queue, events, claims, startWorker, enqueue, deadLetters } = await setup({
      claimScript: [unavailable(), unavailable()],
    });
    const worker = await startWorker();

    const callId = newCallId();
    const job = await enqueue(callId, { attempts: 2, backoff: 50 });
    await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(/claim failed/);
    expect(claims()).toHaveLength(2);
    expect((await queue.getJob(jobIdOf(callId)))!.attemptsMade).toBe(2);

    await worker.stop('test over');
    // a report at the first (retried) failure would have taken the id with attemptsMade 1
    expect(await deadLetters()).toEqual([
      {
        id: `dead:${callId}:1`,
        data: expect.objectContaining({
          callId,
          attemptsMade: 2,
          source: 'worker',
          reason: expect.stringMatching(/claim/),
        }),
      },
    ]);
  });

  it('keeps working when a dead letter cannot be reported, and says so in the log', async () => {
    const { events, startWorker, enqueue } = await setup({ claimScript: [unavailable()] });
    const logged: { msg: string; callId?: string }[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    await startWorker(
      {},
      {
        deadLetters: {
          report: () => Promise.reject(new Error('Redis is away')),
          close: () => Promise.resolve(),
        },
      },
      logger,
    );

    const lost = newCallId();
    await expect((await enqueue(lost, { attempts: 1 })).waitUntilFinished(events, 15_000)).rejects.toThrow();
    const next = await enqueue(newCallId(), { attempts: 1 });
    expect(await next.waitUntilFinished(events, 15_000)).toMatchObject({ outcome: 'completed' });
    await until(() => logged.some((line) => line.msg.startsWith('could not report the dead letter')), 'the log line');
    expect(logged.find((line) => line.msg.startsWith('could not report'))).toMatchObject({ callId: lost });
  });

  it('does not run a job twice: not while its worker lives, and after a SIGKILL the re-run is refused its claim', async () => {
    const { prefix, api, fake, queue, events, claims, startWorker, enqueue } = await setup();
    // worker A gets its claim, then the API never answers it again: A is stuck mid-call
    const inner = fake.handler;
    api.handler = (request) => (request.path.endsWith('/claim') ? inner(request) : new Promise(() => undefined));
    // A's lock: 2 s, renewed every second (a margin for a busy machine); B checks for stalled jobs twice a second
    const lockA = 2_000;
    const a = spawnWorker({
      WORKER_TOKEN: TOKEN,
      API_URL: api.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      WORKER_ID: 'worker-a',
      WORKER_LOCK_MS: String(lockA),
      LOG_LEVEL: 'silent',
    });
    cleanup.push(() => a.kill('SIGKILL'));

    const callId = newCallId();
    const job = await enqueue(callId, { attempts: 3, backoff: 10 });
    await until(() => claims().length === 1, 'worker A to claim the call', 30_000);
    expect(claims()[0]!.body).toMatchObject({ workerId: 'worker-a' });

    // worker B runs beside A; A renews its lock, so B leaves the job alone for longer than the lock
    await startWorker({ WORKER_ID: 'worker-b', WORKER_LOCK_MS: '1000' });
    await new Promise((resolve) => setTimeout(resolve, 2 * lockA + 2 * stalledIntervalMs(1000)));
    expect(claims()).toHaveLength(1);
    expect(await job.getState()).toBe('active');

    // A dies without a word: its lock runs out, B takes the job back, and the API refuses B's claim
    a.kill('SIGKILL');
    const returned = await job.waitUntilFinished(events, 20_000);
    expect(returned).toEqual({ outcome: 'refused', code: 'CALL_ALREADY_CLAIMED' });
    expect(claims().map((request) => (request.body as { workerId: string }).workerId)).toEqual([
      'worker-a',
      'worker-b',
    ]);
    expect(fake.calls.get(callId)).toMatchObject({ holder: 'worker-a', completed: undefined });
    expect((await queue.getJob(jobIdOf(callId)))!.attemptsMade).toBe(1);
  }, 60_000);
});

/** The worker process (main.ts, from sources) with `env` only. */
function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
}
