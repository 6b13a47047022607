import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { SessionEntity } from './session.entity.js';
import type { UserEntity } from './user.entity.js';

@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(SessionEntity);
  }

  async create(values: { organizationId: string; userId: string; tokenHash: string; expiresAt: Date }) {
    return this.repo.save(this.repo.create({ ...values, revokedAt: null }));
  }

  /** The session of a token hash with its user (who may have been changed since the login). */
  findByTokenHash(tokenHash: string): Promise<(SessionEntity & { user: UserEntity }) | null> {
    return this.repo.findOne({ where: { tokenHash }, relations: { user: true } }) as Promise<
      (SessionEntity & { user: UserEntity }) | null
    >;
  }

  /** Revokes the live session of this token; false when there was none. */
  async revoke(tokenHash: string, at: Date): Promise<SessionEntity | null> {
    const session = await this.repo.findOneBy({ tokenHash, revokedAt: IsNull() });
    if (!session) return null;
    await this.repo.update({ id: session.id }, { revokedAt: at });
    return session;
  }
}
