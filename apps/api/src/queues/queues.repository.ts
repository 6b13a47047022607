import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The queues feature's only SQL. */
@Injectable()
export class QueuesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The organisation created first (the installation's own, made by the bootstrap CLI). */
  async firstOrganizationId(): Promise<string | null> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM organizations ORDER BY created_at, id LIMIT 1`,
    );
    return rows[0]?.id ?? null;
  }
}
