import type { Request, Response } from 'express';
import { describe, expect, it, vi } from 'vitest';
import type { AuthService } from '../auth/auth.service.js';
import type { Principal, Role } from '../common/auth/principal.js';
import { DashboardAccess, readCookie } from './dashboard-access.js';
import { isSameOrigin } from './queue-dashboard.js';
import { queuesConfigOf } from './queues.config.js';
import type { QueuesRepository } from './queues.repository.js';

const FIRST = '0f9c2a4e-5b1d-4c3e-9a7f-1e2d3c4b5a69';
const OTHER = '5b2e8d1c-7a3f-4e6b-8c9d-0a1b2c3d4e5f';

const principal = (organizationId: string, roles: Role[]): Principal => ({
  organizationId,
  kind: 'user',
  id: 'u1',
  roles,
  label: 'admin@example.test',
});

function access(
  options: { adminOrganizationIds?: string[] | null; secret?: string; ttlSeconds?: number } = {},
  tokens: Record<string, Principal> = { sess_admin: principal(FIRST, ['admin']) },
) {
  const auth = {
    authenticate: vi.fn((token: string) => {
      const found = tokens[token];
      return found ? Promise.resolve(found) : Promise.reject(new Error('unknown token'));
    }),
  } as unknown as AuthService;
  const firstOrganizationId = vi.fn(() => Promise.resolve(FIRST));
  const repository = { firstOrganizationId } as unknown as QueuesRepository;
  const config = queuesConfigOf({
    adminOrganizationIds: options.adminOrganizationIds ?? null,
    ...(options.secret ? { dashboardSecret: options.secret } : {}),
    cookieTtlSeconds: options.ttlSeconds ?? 1_800,
    readOnly: false,
  });
  return { access: new DashboardAccess(auth, repository, config), firstOrganizationId };
}

const requestWith = (headers: Record<string, string>): Request => ({ headers, secure: false }) as unknown as Request;

/** The cookie `issueCookie` sets, as the browser sends it back. */
function issued(dashboard: DashboardAccess, token = 'sess_admin'): string {
  const appended: string[] = [];
  const res = { append: (_name: string, value: string) => appended.push(value) } as unknown as Response;
  dashboard.issueCookie(requestWith({ authorization: `Bearer ${token}` }), res);
  return appended[0]!.split(';')[0]!;
}

describe('DashboardAccess', () => {
  it('without ADMIN_ORGANIZATION_IDS: the admins of the organisation created first, read once', async () => {
    const { access: dashboard, firstOrganizationId } = access();
    await expect(dashboard.authorize(principal(FIRST, ['admin']))).resolves.toBeUndefined();
    await expect(dashboard.authorize(principal(OTHER, ['admin']))).rejects.toMatchObject({
      status: 403,
      code: 'QUEUES_NOT_INSTALLATION_ADMIN',
    });
    await expect(dashboard.authorize(principal(FIRST, ['operator', 'compliance']))).rejects.toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
    expect(firstOrganizationId).toHaveBeenCalledTimes(1);
  });

  it('with ADMIN_ORGANIZATION_IDS: those organisations only, whichever came first', async () => {
    const { access: dashboard, firstOrganizationId } = access({ adminOrganizationIds: [OTHER] });
    await expect(dashboard.authorize(principal(OTHER, ['admin']))).resolves.toBeUndefined();
    await expect(dashboard.authorize(principal(FIRST, ['admin']))).rejects.toMatchObject({ status: 403 });
    expect(firstOrganizationId).not.toHaveBeenCalled();
  });

  it('opens its own cookie, and authenticates the credential sealed in it on every request', async () => {
    const { access: dashboard } = access({ secret: 's'.repeat(40) });
    const cookie = issued(dashboard);
    expect(cookie).not.toContain('sess_admin');
    await expect(dashboard.authorizeRequest(requestWith({ cookie: `other=1; ${cookie}` }))).resolves.toMatchObject({
      viaCookie: true,
      principal: { organizationId: FIRST },
    });
    // the same secret in another process (another replica) opens it too
    const { access: replica } = access({ secret: 's'.repeat(40) });
    await expect(replica.authorizeRequest(requestWith({ cookie }))).resolves.toMatchObject({ viaCookie: true });
  });

  it('refuses a cookie sealed under another key, altered, or expired (401)', async () => {
    const { access: dashboard } = access({ secret: 's'.repeat(40), ttlSeconds: 60 });
    const cookie = issued(dashboard);
    const { access: elsewhere } = access({ secret: 't'.repeat(40) });
    await expect(elsewhere.authorizeRequest(requestWith({ cookie }))).rejects.toMatchObject({ status: 401 });
    const flipped = cookie.slice(0, -2) + (cookie.endsWith('AA') ? 'BB' : 'AA');
    await expect(dashboard.authorizeRequest(requestWith({ cookie: flipped }))).rejects.toMatchObject({ status: 401 });
    vi.useFakeTimers({ now: Date.now() + 61_000 });
    try {
      await expect(dashboard.authorizeRequest(requestWith({ cookie }))).rejects.toMatchObject({ status: 401 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('prefers the Authorization header, and says how to sign in when there is neither', async () => {
    const { access: dashboard } = access();
    await expect(
      dashboard.authorizeRequest(requestWith({ authorization: 'Bearer sess_admin', cookie: 'sb_queues=junk' })),
    ).resolves.toMatchObject({ viaCookie: false });
    await expect(dashboard.authorizeRequest(requestWith({}))).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('POST /v1/admin/queues/session'),
    });
  });

  it('reads one cookie of a Cookie header', () => {
    expect(readCookie('a=1; sb_queues=abc_-; b=2', 'sb_queues')).toBe('abc_-');
    expect(readCookie('sb_queues=', 'sb_queues')).toBeNull();
    expect(readCookie(undefined, 'sb_queues')).toBeNull();
  });
});

describe('isSameOrigin', () => {
  it('trusts Sec-Fetch-Site, else compares Origin with the host', () => {
    expect(isSameOrigin(requestWith({ 'sec-fetch-site': 'same-origin' }))).toBe(true);
    expect(isSameOrigin(requestWith({ 'sec-fetch-site': 'same-site', origin: 'http://api.test' }))).toBe(false);
    expect(isSameOrigin(requestWith({ origin: 'http://api.test', host: 'api.test' }))).toBe(true);
    expect(isSameOrigin(requestWith({ origin: 'http://evil.test', host: 'api.test' }))).toBe(false);
    expect(
      isSameOrigin(requestWith({ origin: 'https://ops.example', host: 'api:3000', 'x-forwarded-host': 'ops.example' })),
    ).toBe(true);
    expect(isSameOrigin(requestWith({ host: 'api.test' }))).toBe(false);
    expect(isSameOrigin(requestWith({ origin: 'null', host: 'api.test' }))).toBe(false);
  });
});
