import { describe, expect, it } from 'vitest';
import { toHealthView } from './health.js';

describe('toHealthView', () => {
  it('lists every dependency with its latency when all are up', () => {
    const view = toHealthView({
      body: {
        status: 'ok',
        checks: { redis: { status: 'up', latencyMs: 1 }, postgres: { status: 'up', latencyMs: 3 } },
      },
    });
    expect(view).toEqual({
      state: 'ok',
      services: [
        { name: 'postgres', up: true, detail: '3 ms' },
        { name: 'redis', up: true, detail: '1 ms' },
      ],
    });
  });

  it('says which dependency is down from a 503 report', () => {
    const view = toHealthView({
      body: {
        status: 'error',
        checks: {
          postgres: { status: 'up', latencyMs: 2 },
          redis: { status: 'down', latencyMs: 1000, error: 'no answer within 1000 ms' },
        },
      },
    });
    expect(view).toMatchObject({
      state: 'degraded',
      services: [{ up: true }, { name: 'redis', up: false, detail: 'no answer within 1000 ms' }],
    });
  });

  it('tells the API is unreachable when the request fails or the answer is not a report', () => {
    expect(toHealthView({ error: new TypeError('Failed to fetch') })).toEqual({
      state: 'unreachable',
      message: expect.stringContaining('Failed to fetch'),
    });
    expect(toHealthView({ body: '<html>proxy error</html>' })).toMatchObject({ state: 'unreachable' });
    expect(toHealthView({ body: undefined })).toMatchObject({ state: 'unreachable' });
  });
});
