import { Inject, Injectable } from '@nestjs/common';
import type { LoginRequest, LoginResponse, MeResponse } from '@switchboard/contracts';
import { ActivityService } from '../activity/activity.service.js';
import { allows, PERMISSIONS, type Permission, type Principal } from '../common/auth/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthError } from './auth.errors.js';
import { Clock } from './clock.js';
import { API_KEY_PREFIX, Credentials, matchesDigest, SESSION_TOKEN_PREFIX, sha256Digest } from './credentials.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';
import { toMember, toOrganizationSummary } from './views.js';

/**
 * The organisation id of the worker principal. Workers act for every organisation (the call they
 * work on says which); the nil UUID matches no row, so a query scoped by it finds nothing.
 */
export const WORKER_ORGANIZATION_ID = '00000000-0000-0000-0000-000000000000';

const WRONG_LOGIN = 'Wrong email or password';

/** Sessions, and turning a bearer credential into a Principal. */
@Injectable()
export class AuthService {
  /** Only the SHA-256 of the worker token is kept; requests are compared with it in constant time. */
  private readonly workerTokenDigest: Buffer | undefined;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly passwords: PasswordHasher,
    private readonly credentials: Credentials,
    private readonly activity: ActivityService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.workerTokenDigest = config.workerToken === undefined ? undefined : sha256Digest(config.workerToken);
  }

  /** Email + password → a session token. An unknown email and a wrong password are the same 401. */
  async login(request: LoginRequest): Promise<LoginResponse> {
    const user = await this.users.findByEmail(request.email);
    if (!user) {
      await this.passwords.verifyDecoy(request.password);
      throw AuthError.unauthorized(WRONG_LOGIN);
    }
    if (!(await this.passwords.verify(user.passwordHash, request.password))) {
      await this.activity.record({
        organizationId: user.organizationId,
        actor: { kind: 'user', id: user.id, label: user.email },
        action: 'auth.login_failed',
        subjectType: 'member',
        subjectId: user.id,
      });
      throw AuthError.unauthorized(WRONG_LOGIN);
    }
    const organization = await this.organizations.findById(user.organizationId);
    if (!organization) throw AuthError.unauthorized(WRONG_LOGIN);

    const now = this.clock.now();
    const issued = this.credentials.newSessionToken();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlHours * 3_600_000);
    const session = await this.sessions.create({
      organizationId: user.organizationId,
      userId: user.id,
      tokenHash: issued.hash,
      expiresAt,
    });
    await this.users.recordLogin(user.id, now);
    await this.activity.record({
      organizationId: user.organizationId,
      actor: { kind: 'user', id: user.id, label: user.email },
      action: 'auth.logged_in',
      subjectType: 'member',
      subjectId: user.id,
      details: { sessionId: session.id, expiresAt: expiresAt.toISOString() },
    });
    return {
      token: issued.secret,
      expiresAt: expiresAt.toISOString(),
      user: toMember({ ...user, lastLoginAt: now }),
      organization: toOrganizationSummary(organization),
    };
  }

  /** Ends the session of this token (the one the request came with). */
  async logout(principal: Principal, token: string): Promise<void> {
    if (principal.kind !== 'user') {
      throw AuthError.unauthorized('Only a session can log out; an API key is revoked with DELETE /v1/api-keys/:id');
    }
    const session = await this.sessions.revoke(this.credentials.hash(token), this.clock.now());
    if (!session) return;
    await this.activity.record({
      organizationId: principal.organizationId,
      actor: { kind: 'user', id: principal.id, label: principal.label },
      action: 'auth.logged_out',
      subjectType: 'member',
      subjectId: principal.id,
      details: { sessionId: session.id },
    });
  }

  async me(principal: Principal): Promise<MeResponse> {
    const organization = await this.organizations.findById(principal.organizationId);
    if (!organization) throw AuthError.unauthorized('The organization of this credential no longer exists');
    const user =
      principal.kind === 'user' ? await this.users.findInOrganization(principal.organizationId, principal.id) : null;
    const permissions = (Object.keys(PERMISSIONS) as Permission[]).filter((permission) =>
      allows(principal.roles, permission),
    );
    return {
      principal: { ...principal },
      permissions,
      organization: toOrganizationSummary(organization),
      user: user ? toMember(user) : null,
    };
  }

  /** The principal of a session token or an API key; a 401 saying why when there is none. */
  async authenticate(token: string): Promise<Principal> {
    if (token.startsWith(API_KEY_PREFIX)) {
      const key = await this.apiKeys.resolve(token);
      return {
        organizationId: key.organizationId,
        kind: 'api_key',
        id: key.id,
        roles: [...key.roles],
        label: key.name,
      };
    }
    if (token.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = await this.sessions.findByTokenHash(this.credentials.hash(token));
      if (!session) throw AuthError.unauthorized('Unknown session token: log in again');
      if (session.revokedAt) throw AuthError.unauthorized('This session has ended (logged out): log in again');
      if (session.expiresAt.getTime() <= this.clock.now().getTime()) {
        throw AuthError.unauthorized('This session has expired: log in again');
      }
      return {
        organizationId: session.user.organizationId,
        kind: 'user',
        id: session.user.id,
        roles: [...session.user.roles],
        label: session.user.email,
      };
    }
    throw AuthError.unauthorized('Unknown credential: expected a session token (sess_…) or an API key (sk_…)');
  }

  /** The worker principal, when `token` is the configured worker token. */
  authenticateWorker(token: string): Principal {
    if (this.workerTokenDigest === undefined) {
      throw AuthError.unauthorized('Worker routes are disabled: WORKER_TOKEN is not configured');
    }
    if (!matchesDigest(token, this.workerTokenDigest)) throw AuthError.unauthorized('Invalid worker token');
    return { organizationId: WORKER_ORGANIZATION_ID, kind: 'worker', id: 'worker', roles: [], label: 'worker' };
  }
}
