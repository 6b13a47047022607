import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface CallCountRow {
  status: string;
  /** null: no disposition yet (pending, queued, dialling…) */
  disposition: string | null;
  count: number;
}

/** The metrics feature's only SQL: installation-wide aggregates, never per tenant. */
@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Calls of every organisation by status and disposition: one aggregate query. */
  async callCounts(): Promise<CallCountRow[]> {
    const rows = await this.dataSource.query<{ status: string; disposition: string | null; count: string }[]>(
      `SELECT status, disposition, count(*) AS count FROM calls GROUP BY status, disposition`,
    );
    return rows.map((row) => ({ status: row.status, disposition: row.disposition, count: Number(row.count) }));
  }
}
