import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ApiKey, CreateApiKeyRequest, CreatedApiKey, Page, PageQuery } from '@switchboard/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { actorOf, ActivityService, type Actor } from '../activity/activity.service.js';
import type { Principal, Role } from '../common/auth/principal.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import { type ApiKeyCredential, ApiKeysRepository } from './api-keys.repository.js';
import { AuthError } from './auth.errors.js';
import { Clock } from './clock.js';
import { Credentials } from './credentials.js';
import { toApiKey } from './views.js';

/** `last_used_at` is written at most this often per key: a busy key must not cost a write per request. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/**
 * How long this process trusts a live key it read without reading it again. A revocation through
 * this process drops its entry at once; another replica's revocation takes effect here within
 * this bound.
 */
export const API_KEY_CACHE_TTL_MS = 2_000;
/** Keys kept at most (one entry per live key in use; the oldest goes first). */
const API_KEY_CACHE_ENTRIES = 10_000;

@Injectable()
export class ApiKeysService {
  /** keys this process wrote `last_used_at` for, and when: skips the database for the next minute */
  private readonly lastWritten = new Map<string, number>();
  /** live keys by the SHA-256 of their secret, until (monotonic ms) */
  private readonly live = new Map<string, { key: ApiKeyCredential; until: number }>();
  /** bumped by every revocation: a read that started before one must not be cached */
  private revocations = 0;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly credentials: Credentials,
    private readonly activity: ActivityService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(principal: Principal, request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return this.dataSource.transaction((manager) =>
      this.issue(
        {
          organizationId: principal.organizationId,
          name: request.name,
          roles: request.roles,
          createdByUserId: principal.kind === 'user' ? principal.id : null,
          actor: actorOf(principal),
        },
        manager,
      ),
    );
  }

  /** Creates a key inside the caller's transaction (also used by the bootstrap and the test fixtures). */
  async issue(
    values: { organizationId: string; name: string; roles: Role[]; createdByUserId: string | null; actor: Actor },
    manager: EntityManager,
  ): Promise<CreatedApiKey> {
    const issued = this.credentials.newApiKey();
    const key = await this.keys.create(
      {
        organizationId: values.organizationId,
        name: values.name,
        prefix: issued.prefix,
        keyHash: issued.hash,
        roles: values.roles,
        createdByUserId: values.createdByUserId,
      },
      manager,
    );
    await this.activity.record(
      {
        organizationId: values.organizationId,
        actor: values.actor,
        action: 'api_key.created',
        subjectType: 'api_key',
        subjectId: key.id,
        details: { name: key.name, prefix: key.prefix, roles: key.roles },
      },
      manager,
    );
    return { ...toApiKey(key), key: issued.secret };
  }

  async list(principal: Principal, query: PageQuery): Promise<Page<ApiKey>> {
    const rows = await this.keys.listPage(principal.organizationId, query.limit, decodeCursor(query.cursor));
    return toPage(rows, query.limit, toApiKey);
  }

  /** Revokes a key at once (the next request with it is a 401). Revoking a revoked key changes nothing. */
  async revoke(principal: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const key = await this.keys.findInOrganization(principal.organizationId, id, manager);
      if (!key) throw AuthError.apiKeyNotFound(id);
      if (key.revokedAt) return;
      await this.keys.revoke(principal.organizationId, id, this.clock.now(), manager);
      await this.activity.record(
        {
          organizationId: principal.organizationId,
          actor: actorOf(principal),
          action: 'api_key.revoked',
          subjectType: 'api_key',
          subjectId: id,
          details: { name: key.name, prefix: key.prefix },
        },
        manager,
      );
    });
    // once committed: a request that read the key before the commit and finishes after this does
    // not cache it either (the generation moved)
    this.forget(id);
  }

  /**
   * The live key of a secret, or why there is none. A live key is read from Postgres at most once
   * per API_KEY_CACHE_TTL_MS (unknown and revoked keys every time).
   */
  async resolve(secret: string): Promise<ApiKeyCredential> {
    const hash = this.credentials.hash(secret);
    const now = performance.now();
    const cached = this.live.get(hash);
    if (cached && cached.until > now) {
      await this.noteUse(cached.key);
      return cached.key;
    }
    const generation = this.revocations;
    const key = await this.keys.findCredentialByKeyHash(hash);
    if (!key) {
      this.live.delete(hash);
      throw AuthError.unauthorized('Unknown API key');
    }
    if (key.revokedAt) {
      this.live.delete(hash);
      throw AuthError.unauthorized('This API key has been revoked');
    }
    if (generation === this.revocations) this.remember(hash, key, now + API_KEY_CACHE_TTL_MS);
    await this.noteUse(key);
    return key;
  }

  private remember(hash: string, key: ApiKeyCredential, until: number): void {
    this.live.delete(hash);
    this.live.set(hash, { key, until });
    if (this.live.size > API_KEY_CACHE_ENTRIES) {
      const oldest = this.live.keys().next();
      if (!oldest.done) this.live.delete(oldest.value);
    }
  }

  private forget(id: string): void {
    this.revocations += 1;
    for (const [hash, entry] of this.live) if (entry.key.id === id) this.live.delete(hash);
  }

  private async noteUse(key: ApiKeyCredential): Promise<void> {
    const now = this.clock.now();
    const last = this.lastWritten.get(key.id);
    if (last !== undefined && now.getTime() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastWritten.set(key.id, now.getTime());
    await this.keys.touchLastUsed(key.id, now, LAST_USED_WRITE_INTERVAL_MS);
  }
}
