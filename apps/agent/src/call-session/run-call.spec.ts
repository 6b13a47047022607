import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../api/internal-client.js';
import type { CallSession } from '@switchboard/flow';
import { FakeApi, pacedUntil, plainApi } from '../testing/fake-api.js';
import type { CallMediaFactory } from '../voice/media.js';
import { AttemptFailed, ClaimPaced, FlowCache, maskNumber, runCall } from './run-call.js';

const TOKEN = 'wt_run_call_test_token';
const FLOW = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../../flows/appointment-reminder.flow.json', import.meta.url)), 'utf8'),
) as { tests: { name: string; variables?: Record<string, unknown> }[] };
const VARIABLES = FLOW.tests.find((test) => test.variables)?.variables ?? {};
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let n = 0;
const newCallId = () => `22222222-2222-4222-8222-${String(++n).padStart(12, '0')}`;

describe('runCall against a fake API', () => {
  let api: FakeApi | undefined;
  afterEach(async () => api?.stop());

  async function start(options: Partial<Parameters<typeof plainApi>[0]> = {}) {
    const fake = plainApi({ token: TOKEN, flow: FLOW, variables: VARIABLES, ...options });
    api = await new FakeApi(fake.handler).start();
    const client = new InternalClient({ apiUrl: api.url, workerToken: TOKEN, backoffMs: 1 });
    return { fake, client };
  }

  it('claims, streams numbered events in batches, records the opt-out before completing', async () => {
    const { fake, client } = await start({ simulation: { callee: ['take me off your list'] } });
    const callId = newCallId();
    const result = await runCall(
      { callId, attempt: 1 },
      { client, logger, workerId: 'test-worker', batching: { maxBatch: 5, intervalMs: 10 } },
    );
    expect(result).toMatchObject({ outcome: 'completed', disposition: 'opted_out', flowDisposition: 'opted_out' });

    const routes = api!.routes();
    expect(routes[0]).toBe('claim');
    expect(routes.at(-1)).toBe('complete');
    expect(routes.indexOf('opt-out')).toBeGreaterThan(0);
    expect(routes.indexOf('opt-out')).toBeLessThan(routes.indexOf('complete'));
    expect(api!.requests.find((r) => r.path.endsWith('/claim'))!.body).toEqual({
      attempt: 1,
      workerId: 'test-worker',
    });
    expect(api!.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);

    // batches of at most 5, seq numbers 0..n-1 in order, none lost, none repeated
    const batches = api!.requests
      .filter((r) => r.path.endsWith('/events'))
      .map((r) => (r.body as { events: { seq: number; type: string }[] }).events);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(5);
    const seqs = batches.flat().map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(batches.flat().at(-1)).toMatchObject({ type: 'call.ended', flowDisposition: 'opted_out' });
    expect(result.outcome === 'completed' && result.events).toBe(seqs.length);

    const state = fake.calls.get(callId)!;
    expect(state.optOuts).toEqual([expect.objectContaining({ channel: 'voice', words: 'take me off your list' })]);
    expect(state.completed).toMatchObject({
      disposition: 'opted_out',
      path: ['start', 'greet', 'confirm', 'remove_me'],
    });
  });

  it('runs the default persona when the call has no simulation: it says yes', async () => {
    const { fake, client } = await start();
    const callId = newCallId();
    const result = await runCall({ callId, attempt: 1 }, { client, logger, workerId: 'w' });
    expect(result).toMatchObject({ outcome: 'completed', disposition: 'completed', flowDisposition: 'confirmed' });
    expect(fake.calls.get(callId)!.completed).toMatchObject({
      // the flow's disposition is kept on the call; the outcome sets its status
      disposition: 'confirmed',
      outcome: 'completed',
      path: ['start', 'greet', 'confirm', 'confirmed_end'],
      variables: expect.objectContaining({ confirmed: true }),
      transcript: expect.arrayContaining([expect.objectContaining({ speaker: 'callee', text: 'yes' })]),
    });
    expect(api!.routes()).not.toContain('opt-out');
  });

  it('answers per attempt from a list (no_answer, then a person), and lets the callee take real time', async () => {
    const { fake, client } = await start({ simulation: { answeredBy: ['no_answer', 'human'] } });
    const missed = newCallId();
    const first = await runCall({ callId: missed, attempt: 1 }, { client, logger, workerId: 'w' });
    expect(first).toMatchObject({ outcome: 'completed', disposition: 'no_answer' });
    const answered = newCallId();
    const started = performance.now();
    const second = await runCall(
      { callId: answered, attempt: 2 },
      { client, logger, workerId: 'w', simulatedTurnDelayMs: 60 },
    );
    expect(second).toMatchObject({ outcome: 'completed', disposition: 'completed' });
    // the persona answers once ("yes"): at least one pause of 60 ms of real time
    expect(performance.now() - started).toBeGreaterThanOrEqual(60);
    expect(fake.calls.get(answered)!.completed).toMatchObject({ disposition: 'confirmed' });
  });

  it('maps an unanswered call to no_answer', async () => {
    const { fake, client } = await start({ simulation: { answeredBy: 'no_answer' } });
    const callId = newCallId();
    const result = await runCall({ callId, attempt: 1 }, { client, logger, workerId: 'w' });
    expect(result).toMatchObject({ outcome: 'completed', disposition: 'no_answer', flowDisposition: 'not_reached' });
    expect(fake.calls.get(callId)!.completed).toMatchObject({ disposition: 'not_reached', outcome: 'no_answer' });
  });

  it.each(['CALL_BLOCKED', 'CALL_ALREADY_CLAIMED', 'CALL_CANCELLED'])(
    'a %s claim ends the job without dialling or reporting anything',
    async (code) => {
      const { client } = await start({ refuseClaim: { status: 409, code } });
      const result = await runCall({ callId: newCallId(), attempt: 1 }, { client, logger, workerId: 'w' });
      expect(result).toEqual({ outcome: 'refused', code });
      expect(api!.routes()).toEqual(['claim']);
    },
  );

  it('does not complete a call whose opt-out the API could not record', async () => {
    const { fake, client } = await start({ simulation: { callee: ['take me off your list'] } });
    const inner = fake.handler;
    api!.handler = (request) => (request.path.endsWith('/opt-out') ? { status: 503, body: {} } : inner(request));
    await expect(runCall({ callId: newCallId(), attempt: 1 }, { client, logger, workerId: 'w' })).rejects.toThrow(
      /opted out and the API did not record it/,
    );
    expect(api!.routes()).not.toContain('complete');
  });

  it('compiles a flow version once for any number of calls', async () => {
    const { client } = await start();
    const flows = new FlowCache();
    for (let i = 0; i < 3; i++)
      await runCall({ callId: newCallId(), attempt: 1 }, { client, logger, workerId: 'w', flows });
    expect(flows.compilations).toBe(1);
  });

  it('throws ClaimPaced with the API retryAt when the campaign is at its limit, and dials nothing', async () => {
    const retryAt = new Date('2030-01-01T00:00:05.000Z');
    const { client } = await start({ claimScript: [pacedUntil(retryAt)] });
    const error = await runCall({ callId: newCallId(), attempt: 1 }, { client, logger, workerId: 'w' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClaimPaced);
    expect((error as ClaimPaced).retryAt).toEqual(retryAt);
    expect(api!.routes()).toEqual(['claim']);
  });

  it('fails a claimed attempt whose media could not be opened: AttemptFailed, the call completed failed', async () => {
    const { fake, client } = await start();
    const callId = newCallId();
    const media: CallMediaFactory = () => Promise.reject(new Error('LiveKit: 401 unauthenticated'));
    const error = await runCall({ callId, attempt: 1 }, { client, logger, workerId: 'w', media }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AttemptFailed);
    expect(error).toMatchObject({ completed: true, message: expect.stringContaining('401 unauthenticated') });
    expect(fake.calls.get(callId)!.completed).toMatchObject({ disposition: 'worker_error', outcome: 'failed' });
  });

  describe('the lease of a running call', () => {
    /** a line whose callee never says a word and whose clock never fires: the call lasts until hung up */
    function silentLine(): { media: CallMediaFactory; session: Promise<CallSession> } {
      let attached!: (session: CallSession) => void;
      const session = new Promise<CallSession>((resolve) => (attached = resolve));
      const media: CallMediaFactory = () =>
        Promise.resolve({
          answeredBy: 'human',
          channel: {
            say: () => undefined,
            listen: () => undefined,
            transfer: () => Promise.resolve('failed'),
            hangup: () => undefined,
          },
          clock: { now: () => Date.now(), setTimer: () => () => undefined },
          attach: attached,
          close: () => Promise.resolve(),
        });
      return { media, session };
    }
    const leaseRequests = () => api!.routes().filter((route) => route === 'lease').length;

    it('is renewed every third of it while the call runs, and no more once the call completed', async () => {
      // a 1 s lease: renewed every 333 ms
      const { fake, client } = await start({ leaseSeconds: 1 });
      const callId = newCallId();
      const line = silentLine();
      const running = runCall({ callId, attempt: 1 }, { client, logger, workerId: 'w', media: line.media });
      while ((fake.calls.get(callId)?.renewals ?? 0) < 2) await sleep(50);
      (await line.session).hangup();

      expect(await running).toMatchObject({ outcome: 'completed' });
      expect(api!.requests.find((r) => r.path.endsWith('/lease'))!.body).toEqual({ attempt: 1, workerId: 'w' });
      const renewed = leaseRequests();
      await sleep(1_000);
      expect(leaseRequests()).toBe(renewed);
    });

    it('lost: hangs up, does not complete the call, and stops renewing', async () => {
      const { fake, client } = await start({ leaseSeconds: 1, loseLeaseAfter: 1 });
      const callId = newCallId();
      const line = silentLine();
      const error = await runCall({ callId, attempt: 1 }, { client, logger, workerId: 'w', media: line.media }).catch(
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(AttemptFailed);
      expect(error).toMatchObject({ completed: false, message: expect.stringMatching(/^lease lost/) });
      expect((await line.session).done).toBe(true);
      expect(api!.routes()).not.toContain('complete');
      expect(fake.calls.get(callId)!.completed).toBeUndefined();
      expect(leaseRequests()).toBe(2);
      await sleep(1_000);
      expect(leaseRequests()).toBe(2);
    });
  });

  it('masks numbers for the logs', () => {
    expect(maskNumber('+14155550142')).toBe('+1******0142');
    expect(maskNumber('123')).toBe('****');
  });
});
