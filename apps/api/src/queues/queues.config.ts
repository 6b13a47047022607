import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

export const QUEUES_CONFIG = Symbol('QUEUES_CONFIG');

export interface QueuesConfig {
  /** organisations whose admins are installation admins; null: the organisation created first */
  adminOrganizationIds: string[] | null;
  /** 32 bytes: the AES-256-GCM key the dashboard cookie is sealed with */
  cookieKey: Buffer;
  /** false: a random key for this process only (cookies die with it; one replica only) */
  cookieKeyConfigured: boolean;
  cookieTtlSeconds: number;
}

const Schema = z.object({
  ADMIN_ORGANIZATION_IDS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.uuid('must be a comma-separated list of organisation ids')).min(1))
    .optional(),
  QUEUES_DASHBOARD_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  QUEUES_DASHBOARD_COOKIE_TTL_MINUTES: z.coerce.number().int().min(1).max(720).default(30),
});

/**
 * The dashboard's settings. (They belong in config/app-config.ts, which is outside this feature's
 * paths: read here, validated the same way, until the lead moves them.)
 */
export function loadQueuesConfig(env: Record<string, string | undefined> = process.env): QueuesConfig {
  const cleaned = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = Schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const secret = parsed.data.QUEUES_DASHBOARD_SECRET;
  return {
    adminOrganizationIds: parsed.data.ADMIN_ORGANIZATION_IDS ?? null,
    cookieKey: secret ? createHash('sha256').update(secret, 'utf8').digest() : randomBytes(32),
    cookieKeyConfigured: secret !== undefined,
    cookieTtlSeconds: parsed.data.QUEUES_DASHBOARD_COOKIE_TTL_MINUTES * 60,
  };
}
