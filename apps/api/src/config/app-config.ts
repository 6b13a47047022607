import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// docker compose turns `FOO=${FOO:-}` into an empty string: treat it as "not set" so defaults apply.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

export const DatabaseUrlSchema = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' });
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/switchboard';

export const AppConfigSchema = z.object({
  DATABASE_URL: optional(DatabaseUrlSchema.default(DEFAULT_DATABASE_URL)),
  REDIS_URL: optional(
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).default('redis://127.0.0.1:6379'),
  ),
  PORT: optional(z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: optional(z.string().min(1).default('0.0.0.0')),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS).default('info')),
  /** The shared secret of the call workers on `/internal/*`; unset, those routes refuse every caller. */
  WORKER_TOKEN: optional(z.string().min(24, 'must be at least 24 characters').optional()),
  /** How long a login session lasts (hours; fractions allowed). */
  SESSION_TTL_HOURS: optional(
    z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(12),
  ),
  /** Requests per minute per caller (API key, user, or IP when anonymous); 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: optional(z.coerce.number().int().min(0).default(600)),
  /** Namespace of the rate-limit counters in Redis (installations sharing one Redis keep apart). */
  RATE_LIMIT_KEY_PREFIX: optional(z.string().min(1).max(100).default('switchboard:rate-limit:')),
  /**
   * Tests and demos only: the instant the calls' clock reads at start-up (it then runs in real
   * time), so calling windows, deferrals and retries can be shown at a chosen local time.
   * Refused with NODE_ENV=production.
   */
  CLOCK_START: optional(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant' }).optional()),
  NODE_ENV: optional(z.string().optional()),
  /** The lease of a claimed call attempt (s); the worker renews it every third of it. */
  CALL_LEASE_SECONDS: optional(z.coerce.number().int().min(10).max(3600).default(60)),
  /** How often expired leases are looked for (ms); 0 turns the lease sweeper off. */
  CALL_SWEEP_INTERVAL_MS: optional(z.coerce.number().int().min(0).default(5_000)),
  /** How often queued and scheduled calls are checked for their job (ms); 0 turns the reconciler off. */
  CALL_RECONCILE_INTERVAL_MS: optional(z.coerce.number().int().min(0).default(10_000)),
  /**
   * How often the reconciler checks every waiting call rather than those changed since its last pass
   * (ms): the safety net for a job lost without a sign; 0: only at start-up and when Redis lost data.
   */
  CALL_RECONCILE_FULL_INTERVAL_MS: optional(z.coerce.number().int().min(0).default(600_000)),
  /** How often running campaigns are checked for contacts left unplanned (ms); 0 turns it off. */
  CAMPAIGN_SWEEP_INTERVAL_MS: optional(z.coerce.number().int().min(0).default(15_000)),
  /** Contacts planned within a start/resume/upload request; the rest are planned in the background. */
  CAMPAIGN_INLINE_PLAN_LIMIT: optional(z.coerce.number().int().min(1).max(100_000).default(10_000)),
  /** Tries of a call job whose claim fails for a transient reason, the first included. */
  CALL_JOB_ATTEMPTS: optional(z.coerce.number().int().min(1).max(50).default(8)),
  /** The first back-off of a retried call job (ms), doubled each time. */
  CALL_JOB_BACKOFF_MS: optional(z.coerce.number().int().min(10).default(2_000)),
  /**
   * The installation admin organisations (comma-separated ids): their admins, and only theirs, see
   * the queue dashboard (`/admin/queues`). Unset: the organisation created first.
   */
  ADMIN_ORGANIZATION_IDS: optional(
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.uuid({ error: 'must be a comma-separated list of organisation ids' }))
          .min(1, 'must list at least one organisation id'),
      )
      .optional(),
  ),
  /** The key the dashboard cookie is sealed with (32+ characters); unset: a random key per process. */
  QUEUES_DASHBOARD_SECRET: optional(z.string().min(32, 'must be at least 32 characters').optional()),
  /** How long the dashboard cookie lasts (minutes; it also ends with the credential it was made from). */
  QUEUES_DASHBOARD_COOKIE_TTL_MINUTES: optional(z.coerce.number().int().min(1).max(720).default(30)),
  /** true: the dashboard only shows the queues (no retry, promote, clean, pause, empty). */
  QUEUES_DASHBOARD_READ_ONLY: optional(
    z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true'),
  ),
});

/** Validated configuration of the API process; the only place that reads `process.env`. */
export interface AppConfig {
  databaseUrl: string;
  redisUrl: string;
  port: number;
  host: string;
  logLevel: (typeof LOG_LEVELS)[number];
  workerToken?: string;
  sessionTtlHours: number;
  rateLimitPerMinute: number;
  rateLimitKeyPrefix: string;
  /** ms added to the real time by the calls' clock (CLOCK_START); 0 in production */
  clockOffsetMs: number;
  /** the calls' recovery machinery (apps/api/src/calls/recovery) */
  calls: {
    leaseSeconds: number;
    sweepIntervalMs: number;
    reconcileIntervalMs: number;
    /** every waiting call is checked this often (the other passes check what changed) */
    reconcileFullIntervalMs: number;
    /** running campaigns' contacts left pending (a crash mid-plan) are planned again this often */
    campaignSweepIntervalMs: number;
    /** contacts planned within a request before the rest go to the background */
    campaignInlinePlanLimit: number;
    jobAttempts: number;
    jobBackoffMs: number;
  };
  /** the queue dashboard at /admin/queues (apps/api/src/queues) */
  queues: {
    /** null: the organisation created first is the installation's admin organisation */
    adminOrganizationIds: string[] | null;
    /** unset: the cookie is sealed under a random key of this process (one replica only) */
    dashboardSecret?: string;
    cookieTtlSeconds: number;
    readOnly: boolean;
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = AppConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  if (values.CLOCK_START && values.NODE_ENV === 'production') {
    throw new ConfigError(['CLOCK_START: a shifted clock is for tests and demos; refused with NODE_ENV=production']);
  }
  return {
    databaseUrl: values.DATABASE_URL,
    redisUrl: values.REDIS_URL,
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    ...(values.WORKER_TOKEN === undefined ? {} : { workerToken: values.WORKER_TOKEN }),
    sessionTtlHours: values.SESSION_TTL_HOURS,
    rateLimitPerMinute: values.RATE_LIMIT_PER_MINUTE,
    rateLimitKeyPrefix: values.RATE_LIMIT_KEY_PREFIX,
    clockOffsetMs: values.CLOCK_START ? Date.parse(values.CLOCK_START) - Date.now() : 0,
    calls: {
      leaseSeconds: values.CALL_LEASE_SECONDS,
      sweepIntervalMs: values.CALL_SWEEP_INTERVAL_MS,
      reconcileIntervalMs: values.CALL_RECONCILE_INTERVAL_MS,
      reconcileFullIntervalMs: values.CALL_RECONCILE_FULL_INTERVAL_MS,
      campaignSweepIntervalMs: values.CAMPAIGN_SWEEP_INTERVAL_MS,
      campaignInlinePlanLimit: values.CAMPAIGN_INLINE_PLAN_LIMIT,
      jobAttempts: values.CALL_JOB_ATTEMPTS,
      jobBackoffMs: values.CALL_JOB_BACKOFF_MS,
    },
    queues: {
      adminOrganizationIds: values.ADMIN_ORGANIZATION_IDS ?? null,
      ...(values.QUEUES_DASHBOARD_SECRET === undefined ? {} : { dashboardSecret: values.QUEUES_DASHBOARD_SECRET }),
      cookieTtlSeconds: values.QUEUES_DASHBOARD_COOKIE_TTL_MINUTES * 60,
      readOnly: values.QUEUES_DASHBOARD_READ_ONLY,
    },
  };
}

/** Only the database URL: what the TypeORM data source and the migration runner need. */
export function loadDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  return loadConfig({ DATABASE_URL: env.DATABASE_URL }).databaseUrl;
}
