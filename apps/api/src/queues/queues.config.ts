import { createHash, randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';

export const QUEUES_CONFIG = Symbol('QUEUES_CONFIG');

export interface QueuesConfig {
  /** organisations whose admins are installation admins; null: the organisation created first */
  adminOrganizationIds: string[] | null;
  /** 32 bytes: the AES-256-GCM key the dashboard cookie is sealed with */
  cookieKey: Buffer;
  /** false: a random key for this process only (cookies die with it; one replica only) */
  cookieKeyConfigured: boolean;
  cookieTtlSeconds: number;
  /** the dashboard shows the queues and changes nothing */
  readOnly: boolean;
}

/**
 * The dashboard's settings, from the validated configuration (config/app-config.ts reads the
 * environment: ADMIN_ORGANIZATION_IDS, QUEUES_DASHBOARD_*). Without QUEUES_DASHBOARD_SECRET the
 * key is random, drawn once per process.
 */
export function queuesConfigOf(settings: AppConfig['queues']): QueuesConfig {
  const secret = settings.dashboardSecret;
  return {
    adminOrganizationIds: settings.adminOrganizationIds,
    cookieKey: secret ? createHash('sha256').update(secret, 'utf8').digest() : randomBytes(32),
    cookieKeyConfigured: secret !== undefined,
    cookieTtlSeconds: settings.cookieTtlSeconds,
    readOnly: settings.readOnly,
  };
}
