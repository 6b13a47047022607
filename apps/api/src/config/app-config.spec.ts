import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('fills the defaults of a local machine', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/switchboard',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      sessionTtlHours: 12,
      rateLimitPerMinute: 600,
      rateLimitKeyPrefix: 'switchboard:rate-limit:',
      clockOffsetMs: 0,
      calls: {
        leaseSeconds: 60,
        sweepIntervalMs: 5_000,
        reconcileIntervalMs: 10_000,
        reconcileFullIntervalMs: 600_000,
        campaignSweepIntervalMs: 15_000,
        campaignInlinePlanLimit: 10_000,
        jobAttempts: 8,
        jobBackoffMs: 2_000,
      },
      queues: { adminOrganizationIds: null, cookieTtlSeconds: 1_800, readOnly: false },
    });
  });

  it('reads the queue dashboard settings and names the one that is wrong', () => {
    const first = '0f9c2a4e-5b1d-4c3e-9a7f-1e2d3c4b5a69';
    const second = '5b2e8d1c-7a3f-4e6b-8c9d-0a1b2c3d4e5f';
    expect(
      loadConfig({
        ADMIN_ORGANIZATION_IDS: ` ${first}, ${second},`,
        QUEUES_DASHBOARD_SECRET: 's'.repeat(32),
        QUEUES_DASHBOARD_COOKIE_TTL_MINUTES: '5',
        QUEUES_DASHBOARD_READ_ONLY: 'true',
      }).queues,
    ).toEqual({
      adminOrganizationIds: [first, second],
      dashboardSecret: 's'.repeat(32),
      cookieTtlSeconds: 300,
      readOnly: true,
    });
    expect(() => loadConfig({ ADMIN_ORGANIZATION_IDS: 'acme' })).toThrow(/ADMIN_ORGANIZATION_IDS.*organisation ids/);
    expect(() => loadConfig({ ADMIN_ORGANIZATION_IDS: ' , ' })).toThrow(/ADMIN_ORGANIZATION_IDS: must list/);
    expect(() => loadConfig({ QUEUES_DASHBOARD_SECRET: 'short' })).toThrow(/QUEUES_DASHBOARD_SECRET/);
    expect(() => loadConfig({ QUEUES_DASHBOARD_COOKIE_TTL_MINUTES: '0' })).toThrow(
      /QUEUES_DASHBOARD_COOKIE_TTL_MINUTES/,
    );
    expect(() => loadConfig({ QUEUES_DASHBOARD_READ_ONLY: 'yes' })).toThrow(/QUEUES_DASHBOARD_READ_ONLY: must be true/);
  });

  it('reads the call recovery settings and refuses a lease too short to renew', () => {
    expect(
      loadConfig({ CALL_LEASE_SECONDS: '30', CALL_SWEEP_INTERVAL_MS: '0', CALL_JOB_ATTEMPTS: '3' }).calls,
    ).toMatchObject({ leaseSeconds: 30, sweepIntervalMs: 0, jobAttempts: 3 });
    expect(() => loadConfig({ CALL_LEASE_SECONDS: '5' })).toThrow(/CALL_LEASE_SECONDS/);
  });

  it('reads the access settings: worker token, session lifetime, rate limit', () => {
    expect(
      loadConfig({ WORKER_TOKEN: 'w'.repeat(32), SESSION_TTL_HOURS: '0.5', RATE_LIMIT_PER_MINUTE: '0' }),
    ).toMatchObject({ workerToken: 'w'.repeat(32), sessionTtlHours: 0.5, rateLimitPerMinute: 0 });
    expect(() => loadConfig({ WORKER_TOKEN: 'short' })).toThrow(/WORKER_TOKEN/);
  });

  it('shifts the calls clock to CLOCK_START, never in production', () => {
    const start = Date.parse('2030-01-08T13:59:00Z');
    const { clockOffsetMs } = loadConfig({ CLOCK_START: '2030-01-08T13:59:00Z' });
    expect(Math.abs(Date.now() + clockOffsetMs - start)).toBeLessThan(1_000);
    expect(() => loadConfig({ CLOCK_START: 'next tuesday' })).toThrow(/CLOCK_START/);
    expect(() => loadConfig({ CLOCK_START: '2030-01-08T13:59:00Z', NODE_ENV: 'production' })).toThrow(
      /CLOCK_START: .*production/,
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({
      port: 3000,
      databaseUrl: expect.stringContaining('switchboard'),
    });
  });

  it('reads and coerces what is set', () => {
    expect(
      loadConfig({
        DATABASE_URL: 'postgresql://app:pw@db:5432/sb',
        REDIS_URL: 'rediss://cache:6380',
        PORT: '8080',
        LOG_LEVEL: 'debug',
      }),
    ).toMatchObject({
      databaseUrl: 'postgresql://app:pw@db:5432/sb',
      redisUrl: 'rediss://cache:6380',
      port: 8080,
      logLevel: 'debug',
    });
  });

  it('names every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://db/x', REDIS_URL: 'nope', PORT: 'eighty', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'LOG_LEVEL']) expect(issues).toContain(name);
  });
});
