import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '../common/auth/principal.js';
import type { CursorPosition } from '../common/pagination/cursor.js';
import { UserEntity } from './user.entity.js';

export interface NewUser {
  organizationId: string;
  email: string;
  name: string | null;
  passwordHash: string;
  roles: Role[];
}

/** Users of an organisation; every read but the login lookup is scoped by organisation. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(UserEntity);
  }

  /** The login lookup: emails are unique across the installation. */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.repo().findOneBy({ email });
  }

  findInOrganization(organizationId: string, id: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOneBy({ organizationId, id });
  }

  emailExists(email: string, manager?: EntityManager): Promise<boolean> {
    return this.repo(manager).existsBy({ email });
  }

  /** Newest first, `limit + 1` rows after the cursor. */
  listPage(organizationId: string, limit: number, after: CursorPosition | null): Promise<UserEntity[]> {
    const query = this.repo()
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId', { organizationId })
      .orderBy('u.created_at', 'DESC')
      .addOrderBy('u.id', 'DESC')
      .limit(limit + 1);
    if (after) query.andWhere('(u.created_at, u.id) < (:createdAt, :id)', after);
    return query.getMany();
  }

  create(user: NewUser, manager?: EntityManager): Promise<UserEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create({ ...user, lastLoginAt: null }));
  }

  /**
   * Locks the organisation's admins until the transaction ends, so that two concurrent demotions
   * or removals cannot both see "another admin is left". Returns their ids.
   */
  async lockAdmins(organizationId: string, manager: EntityManager): Promise<string[]> {
    const rows = await manager
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .where('u.organization_id = :organizationId', { organizationId })
      .andWhere(`'admin' = ANY(u.roles)`)
      .orderBy('u.id')
      .setLock('pessimistic_write')
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  async update(
    organizationId: string,
    id: string,
    changes: { roles?: Role[]; name?: string | null },
    manager: EntityManager,
  ): Promise<void> {
    await manager.getRepository(UserEntity).update({ organizationId, id }, changes);
  }

  async delete(organizationId: string, id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(UserEntity).delete({ organizationId, id });
  }

  async recordLogin(id: string, at: Date): Promise<void> {
    await this.repo().update({ id }, { lastLoginAt: at });
  }
}
