import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '../common/auth/principal.js';
import type { CursorPosition } from '../common/pagination/cursor.js';
import { ApiKeyEntity } from './api-key.entity.js';

/** An API key as authentication sees it. */
export type ApiKeyCredential = Pick<ApiKeyEntity, 'id' | 'organizationId' | 'name' | 'roles' | 'revokedAt'>;

export interface NewApiKey {
  organizationId: string;
  name: string;
  prefix: string;
  keyHash: string;
  roles: Role[];
  createdByUserId: string | null;
}

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(ApiKeyEntity);
  }

  /** What authentication needs of the key with this hash (plain SQL: it runs on every request). */
  async findCredentialByKeyHash(keyHash: string): Promise<ApiKeyCredential | null> {
    const rows = await this.dataSource.query<
      Array<{ id: string; organization_id: string; name: string; roles: Role[]; revoked_at: Date | null }>
    >(`SELECT id, organization_id, name, roles, revoked_at FROM api_keys WHERE key_hash = $1`, [keyHash]);
    const row = rows[0];
    return row
      ? { id: row.id, organizationId: row.organization_id, name: row.name, roles: row.roles, revokedAt: row.revoked_at }
      : null;
  }

  findInOrganization(organizationId: string, id: string, manager?: EntityManager): Promise<ApiKeyEntity | null> {
    return this.repo(manager).findOneBy({ organizationId, id });
  }

  listPage(organizationId: string, limit: number, after: CursorPosition | null): Promise<ApiKeyEntity[]> {
    const query = this.repo()
      .createQueryBuilder('k')
      .where('k.organization_id = :organizationId', { organizationId })
      .orderBy('k.created_at', 'DESC')
      .addOrderBy('k.id', 'DESC')
      .limit(limit + 1);
    if (after) query.andWhere('(k.created_at, k.id) < (:createdAt, :id)', after);
    return query.getMany();
  }

  create(key: NewApiKey, manager?: EntityManager): Promise<ApiKeyEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create({ ...key, lastUsedAt: null, revokedAt: null }));
  }

  async revoke(organizationId: string, id: string, at: Date, manager: EntityManager): Promise<void> {
    await this.repo(manager).update({ organizationId, id }, { revokedAt: at });
  }

  /**
   * Sets `last_used_at` unless it was set less than `minIntervalMs` ago: at most one write per key
   * per interval, whichever replica serves the request. Returns whether it wrote.
   */
  async touchLastUsed(id: string, at: Date, minIntervalMs: number): Promise<boolean> {
    const result = await this.repo()
      .createQueryBuilder()
      .update(ApiKeyEntity)
      .set({ lastUsedAt: at })
      .where('id = :id', { id })
      .andWhere('(last_used_at IS NULL OR last_used_at <= :threshold)', {
        threshold: new Date(at.getTime() - minIntervalMs),
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
