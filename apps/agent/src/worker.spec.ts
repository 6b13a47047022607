import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallJob, RunCallResult } from './call-session/run-call.js';
import { loadConfig } from './config.js';
import { FakeApi, plainApi } from './testing/fake-api.js';
import { CALLS_QUEUE, createWorker, type Worker } from './worker.js';

const TOKEN = 'wt_worker_test_token';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FLOW = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../flows/appointment-reminder.flow.json', import.meta.url)), 'utf8'),
) as { tests: { variables?: Record<string, unknown> }[] };

describe('the call worker on Redis', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
  });

  it('consumes a job of the API queue (same prefix, same payload and id) and completes the call', async () => {
    const prefix = `sb-test:${process.pid}-${Date.now()}`;
    const fake = plainApi({
      token: TOKEN,
      flow: FLOW,
      variables: FLOW.tests.find((test) => test.variables)?.variables ?? {},
      simulation: { callee: ['yeah that works'] },
    });
    const api = await new FakeApi(fake.handler).start();
    cleanup.push(() => api.stop());

    const queue = new Queue<CallJob>(CALLS_QUEUE, { connection: { url: REDIS_URL }, prefix });
    const events = new QueueEvents(CALLS_QUEUE, { connection: { url: REDIS_URL }, prefix });
    cleanup.push(
      () => queue.close(),
      () => events.close(),
      () => queue.obliterate({ force: true }),
    );
    await events.waitUntilReady();

    const config = loadConfig({
      WORKER_TOKEN: TOKEN,
      API_URL: api.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      WORKER_CONCURRENCY: '2',
      WORKER_ID: 'worker-spec',
    });
    const results: [CallJob, RunCallResult][] = [];
    const worker: Worker = createWorker(config, pino({ level: 'silent' }), {
      onResult: (job, result) => results.push([job, result]),
    });
    cleanup.push(() => worker.stop('test over'));
    await worker.start();

    const callId = '33333333-3333-4333-8333-333333333333';
    const job = await queue.add('dial', { callId, attempt: 1 }, { jobId: `call:${callId}:1`, attempts: 1 });
    const returned = (await job.waitUntilFinished(events, 15_000)) as RunCallResult;

    expect(returned).toMatchObject({ outcome: 'completed', disposition: 'completed', flowDisposition: 'confirmed' });
    expect(results).toEqual([[{ callId, attempt: 1 }, returned]]);
    expect(api.routes()[0]).toBe('claim');
    expect(api.routes().at(-1)).toBe('complete');
    expect(api.requests[0]!.body).toMatchObject({ attempt: 1, workerId: 'worker-spec' });
    expect(fake.calls.get(callId)!.completed).toMatchObject({ path: ['start', 'greet', 'confirm', 'confirmed_end'] });

    await worker.stop('test over');
    await worker.stopped;
  });
});
