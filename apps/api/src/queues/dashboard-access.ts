import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthError } from '../auth/auth.errors.js';
import { bearerTokenOf } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../common/auth/principal.js';
import { QUEUES_CONFIG, type QueuesConfig } from './queues.config.js';
import { QueuesError } from './queues.errors.js';
import { QueuesRepository } from './queues.repository.js';

/** Where the dashboard is mounted, and the only path its cookie is sent to. */
export const DASHBOARD_PATH = '/admin/queues';
export const DASHBOARD_COOKIE = 'sb_queues';

/** Binds the sealed value to its use: a value sealed for anything else does not open here. */
const AAD = Buffer.from('switchboard:queues-dashboard:v1', 'utf8');
/** the first organisation never changes once there is one; re-read now and then all the same */
const FIRST_ORGANIZATION_TTL_MS = 60_000;

interface Sealed {
  /** the bearer credential (session token or API key) the cookie was made from */
  t: string;
  /** expiry, epoch ms */
  e: number;
}

/**
 * Who may see the queue dashboard, and how a browser proves it.
 *
 * Queues are installation-wide (every tenant's calls are in the same `calls` queue), so a tenant's
 * admin is not enough: the caller must hold the `admin` role in an **installation admin
 * organisation** — one listed in `ADMIN_ORGANIZATION_IDS`, or, when that is not set, the
 * organisation created first (the one the bootstrap CLI makes for the operator of the
 * installation).
 *
 * A browser sends no Authorization header on page navigation, so `POST /v1/admin/queues/session`
 * (with the admin's Bearer credential) sets a cookie: HttpOnly, SameSite=Strict,
 * Path=/admin/queues, Secure over HTTPS, holding the credential sealed with AES-256-GCM under a
 * server key. The dashboard opens it and authenticates the credential on every request, so the
 * cookie dies with the session (logout, expiry, a revoked key) as well as after its own TTL, and it
 * is useless anywhere but /admin/queues (the browser sends it nowhere else; the API's Bearer
 * routes do not read cookies). Requests may also carry `Authorization: Bearer …` directly.
 */
@Injectable()
export class DashboardAccess {
  private firstOrganization: { id: string | null; at: number } | null = null;

  constructor(
    private readonly auth: AuthService,
    private readonly repository: QueuesRepository,
    @Inject(QUEUES_CONFIG) private readonly config: QueuesConfig,
  ) {}

  /** The principal of a dashboard request (Bearer header, else the cookie), allowed to see the queues. */
  async authorizeRequest(req: Request): Promise<{ principal: Principal; viaCookie: boolean }> {
    const header = req.headers.authorization;
    let token: string;
    let viaCookie = false;
    if (header !== undefined && header.trim() !== '') {
      token = bearerTokenOf(req);
    } else {
      const cookie = readCookie(req.headers.cookie, DASHBOARD_COOKIE);
      if (cookie === null) {
        throw AuthError.unauthorized(
          'Sign in first: POST /v1/admin/queues/session with an admin credential sets the dashboard cookie ' +
            '(or send "Authorization: Bearer <token>")',
        );
      }
      const opened = this.open(cookie);
      if (!opened) throw AuthError.unauthorized('The dashboard cookie is invalid or has expired: sign in again');
      token = opened.t;
      viaCookie = true;
    }
    const principal = await this.auth.authenticate(token);
    await this.authorize(principal);
    return { principal, viaCookie };
  }

  /** 403 unless the principal is an admin of an installation admin organisation. */
  async authorize(principal: Principal): Promise<void> {
    if (!principal.roles.includes('admin')) throw QueuesError.notAdmin();
    if (!(await this.isInstallationAdminOrganization(principal.organizationId))) {
      throw QueuesError.notInstallationAdmin();
    }
  }

  /** Sets the dashboard cookie for the credential of this request; when it expires. */
  issueCookie(req: Request, res: Response): Date {
    const token = bearerTokenOf(req);
    const expiresAt = new Date(Date.now() + this.config.cookieTtlSeconds * 1000);
    res.append(
      'set-cookie',
      serializeCookie(DASHBOARD_COOKIE, this.seal({ t: token, e: expiresAt.getTime() }), {
        maxAgeSeconds: this.config.cookieTtlSeconds,
        secure: isHttps(req),
      }),
    );
    return expiresAt;
  }

  clearCookie(req: Request, res: Response): void {
    res.append('set-cookie', serializeCookie(DASHBOARD_COOKIE, '', { maxAgeSeconds: 0, secure: isHttps(req) }));
  }

  private async isInstallationAdminOrganization(organizationId: string): Promise<boolean> {
    if (this.config.adminOrganizationIds !== null) return this.config.adminOrganizationIds.includes(organizationId);
    const now = Date.now();
    if (!this.firstOrganization?.id || now - this.firstOrganization.at > FIRST_ORGANIZATION_TTL_MS) {
      this.firstOrganization = { id: await this.repository.firstOrganizationId(), at: now };
    }
    return this.firstOrganization.id === organizationId;
  }

  private seal(content: Sealed): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.config.cookieKey, iv);
    cipher.setAAD(AAD);
    const encrypted = Buffer.concat([cipher.update(JSON.stringify(content), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64url');
  }

  private open(value: string): Sealed | null {
    try {
      const raw = Buffer.from(value, 'base64url');
      if (raw.length < 29) return null;
      const decipher = createDecipheriv('aes-256-gcm', this.config.cookieKey, raw.subarray(0, 12));
      decipher.setAAD(AAD);
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      const content = JSON.parse(text) as Partial<Sealed>;
      if (typeof content.t !== 'string' || typeof content.e !== 'number') return null;
      return content.e > Date.now() ? { t: content.t, e: content.e } : null;
    } catch {
      // tampered, sealed under another key (another process without QUEUES_DASHBOARD_SECRET), truncated
      return null;
    }
  }
}

function isHttps(req: Request): boolean {
  return req.secure || req.headers['x-forwarded-proto'] === 'https';
}

function serializeCookie(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return [
    `${name}=${value}`,
    `Path=${DASHBOARD_PATH}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** One cookie of a Cookie header (values are base64url: no quoting or escaping to undo). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? null : value;
    }
  }
  return null;
}
