import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ApiKey, CreateApiKeyRequest, CreatedApiKey, Page, PageQuery } from '@switchboard/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { actorOf, ActivityService, type Actor } from '../activity/activity.service.js';
import type { Principal, Role } from '../common/auth/principal.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { AuthError } from './auth.errors.js';
import { Clock } from './clock.js';
import { Credentials } from './credentials.js';
import { toApiKey } from './views.js';

/** `last_used_at` is written at most this often per key: a busy key must not cost a write per request. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

@Injectable()
export class ApiKeysService {
  /** keys this process wrote `last_used_at` for, and when: skips the database for the next minute */
  private readonly lastWritten = new Map<string, number>();

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
  }

  /** The live key of a secret, or why there is none. */
  async resolve(secret: string): Promise<ApiKeyEntity> {
    const key = await this.keys.findByKeyHash(this.credentials.hash(secret));
    if (!key) throw AuthError.unauthorized('Unknown API key');
    if (key.revokedAt) throw AuthError.unauthorized('This API key has been revoked');
    await this.noteUse(key);
    return key;
  }

  private async noteUse(key: ApiKeyEntity): Promise<void> {
    const now = this.clock.now();
    const last = this.lastWritten.get(key.id);
    if (last !== undefined && now.getTime() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastWritten.set(key.id, now.getTime());
    await this.keys.touchLastUsed(key.id, now, LAST_USED_WRITE_INTERVAL_MS);
  }
}
