import { afterEach, describe, expect, it } from 'vitest';
import { apiError, FakeApi } from '../testing/fake-api.js';
import { ApiRefusal, ApiUnavailable, InternalClient } from './internal-client.js';

const TOKEN = 'wt_client_test_token';
const CALL = '11111111-1111-4111-8111-111111111111';

const claimAnswer = {
  id: CALL,
  attempt: 1,
  to: '+14155550142',
  callerId: '+18005550100',
  leaseUntil: '2026-11-21T14:00:00.000Z',
  flowVersion: 2,
  flow: { schema: 'switchboard.flow/v1' },
  variables: { name: 'Ana' },
  decision: { outcome: 'ALLOW', reasons: [], ruleSetVersion: 'r1' },
};

describe('InternalClient', () => {
  let api: FakeApi | undefined;
  afterEach(async () => api?.stop());

  const clientOf = (server: FakeApi) =>
    new InternalClient({ apiUrl: server.url, workerToken: TOKEN, backoffMs: 5, timeoutMs: 1000 });

  it('claims with the worker token and the body, and validates the answer', async () => {
    api = await new FakeApi(() => ({ status: 200, body: claimAnswer })).start();
    const claim = await clientOf(api).claim(CALL, { attempt: 1, workerId: 'w1', leaseSeconds: 60 });
    expect(claim).toMatchObject({ id: CALL, flowVersion: 2, variables: { name: 'Ana' } });
    expect(api.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `/internal/calls/${CALL}/claim`,
        authorization: `Bearer ${TOKEN}`,
        body: { attempt: 1, workerId: 'w1', leaseSeconds: 60 },
      }),
    ]);
  });

  it('turns a 409 into an ApiRefusal with its code and never retries a claim, even on a 5xx', async () => {
    api = await new FakeApi(() => apiError(409, 'CALL_BLOCKED', 'blocked by the gate')).start();
    const refusal = await clientOf(api)
      .claim(CALL, { attempt: 1, workerId: 'w1', leaseSeconds: 60 })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiRefusal);
    expect(refusal).toMatchObject({ status: 409, code: 'CALL_BLOCKED' });

    api.handler = () => ({ status: 503, body: {} });
    await expect(clientOf(api).claim(CALL, { attempt: 1, workerId: 'w1', leaseSeconds: 60 })).rejects.toBeInstanceOf(
      ApiUnavailable,
    );
    expect(api.routes()).toEqual(['claim', 'claim']);
  });

  it('retries events with back-off on 5xx until acknowledged, sending the same seq numbers', async () => {
    let failures = 2;
    api = await new FakeApi(() =>
      failures-- > 0 ? { status: 502, body: {} } : { status: 200, body: { accepted: 2, lastSeq: 1 } },
    ).start();
    const events = [
      { seq: 0, type: 'call.started', at: '2026-11-21T14:00:00.000Z' },
      { seq: 1, type: 'node.entered', at: '2026-11-21T14:00:01.000Z', nodeId: 'greet' },
    ];
    const client = new InternalClient({ apiUrl: api.url, workerToken: TOKEN, backoffMs: 50, timeoutMs: 1000 });
    expect(await client.events(CALL, { events })).toEqual({ accepted: 2, lastSeq: 1 });
    expect(api.requests).toHaveLength(3);
    for (const request of api.requests) expect(request.body).toEqual({ events });
    // waited at least 50 ms, then at least 100 ms (lower bounds only: a busy machine only adds to them)
    const gaps = api.requests.slice(1).map((request, i) => request.at - api!.requests[i]!.at);
    expect(gaps[0]!).toBeGreaterThanOrEqual(45);
    expect(gaps[1]!).toBeGreaterThanOrEqual(95);
  });

  it('retries opt-out and complete on network errors, then gives up with ApiUnavailable', async () => {
    api = await new FakeApi(() => {
      throw new Error('drop the connection');
    }).start();
    const client = new InternalClient({ apiUrl: api.url, workerToken: TOKEN, backoffMs: 1, attempts: 3 });
    await expect(client.optOut(CALL, { channel: 'voice', words: 'stop calling' })).rejects.toBeInstanceOf(
      ApiUnavailable,
    );
    expect(api.routes()).toEqual(['opt-out', 'opt-out', 'opt-out']);
  });

  it('does not retry a 4xx on events and rejects an answer of the wrong shape', async () => {
    api = await new FakeApi(() => apiError(409, 'CALL_NOT_CLAIMED')).start();
    const events = [{ seq: 0, type: 'call.started', at: '2026-11-21T14:00:00.000Z' }];
    await expect(clientOf(api).events(CALL, { events })).rejects.toMatchObject({ code: 'CALL_NOT_CLAIMED' });
    expect(api.requests).toHaveLength(1);
    api.handler = () => ({ status: 200, body: { nope: true } });
    await expect(clientOf(api).events(CALL, { events })).rejects.toThrow(/unexpected answer from events/);
  });

  it('times a request out and retries it', async () => {
    let first = true;
    api = await new FakeApi(async () => {
      if (first) {
        first = false;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return { status: 200, body: { revocationId: 'r', internalDncEntryId: 'd' } };
    }).start();
    const client = new InternalClient({ apiUrl: api.url, workerToken: TOKEN, backoffMs: 1, timeoutMs: 100 });
    expect(await client.optOut(CALL, { channel: 'dtmf', words: '' })).toEqual({
      revocationId: 'r',
      internalDncEntryId: 'd',
    });
    expect(api.requests).toHaveLength(2);
  });
});
