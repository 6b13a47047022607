import { createHash } from 'node:crypto';
import { z } from 'zod';

export const WEBHOOKS_CONFIG = Symbol('WEBHOOKS_CONFIG');

/** A dev-only key: a deployment sets WEBHOOK_SECRET_KEY (a warning is logged when it does not). */
const DEV_KEY_MATERIAL = 'switchboard-dev-webhook-secret-key';

export interface WebhooksConfig {
  /** 32 bytes: the AES-256-GCM key the signing secrets are stored under */
  secretKey: Buffer;
  usingDevKey: boolean;
  /** delay before retry n (ms): its length + 1 is the number of attempts */
  retryDelaysMs: number[];
  /** refuse endpoints on loopback/private/link-local IP literals */
  refusePrivateAddresses: boolean;
  timeoutMs: number;
}

const Schema = z.object({
  WEBHOOK_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  WEBHOOK_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds')
    .default('10000,60000,300000,1800000,7200000'),
  WEBHOOK_ALLOW_PRIVATE_URLS: z.enum(['true', 'false']).optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  NODE_ENV: z.string().optional(),
});

/**
 * The webhooks feature's settings. (They belong in config/app-config.ts; that file is outside this
 * feature's paths, so they are read here, validated the same way, until the lead moves them.)
 */
export function loadWebhooksConfig(env: Record<string, string | undefined> = process.env): WebhooksConfig {
  const cleaned = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = Schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const v = parsed.data;
  const material = v.WEBHOOK_SECRET_KEY ?? DEV_KEY_MATERIAL;
  return {
    secretKey: createHash('sha256').update(material).digest(),
    usingDevKey: v.WEBHOOK_SECRET_KEY === undefined,
    retryDelaysMs: v.WEBHOOK_RETRY_DELAYS_MS.split(',').map(Number),
    refusePrivateAddresses:
      v.WEBHOOK_ALLOW_PRIVATE_URLS === undefined
        ? v.NODE_ENV === 'production'
        : v.WEBHOOK_ALLOW_PRIVATE_URLS === 'false',
    timeoutMs: v.WEBHOOK_TIMEOUT_MS,
  };
}
