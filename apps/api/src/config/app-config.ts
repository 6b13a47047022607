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
  };
}

/** Only the database URL: what the TypeORM data source and the migration runner need. */
export function loadDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  return loadConfig({ DATABASE_URL: env.DATABASE_URL }).databaseUrl;
}
