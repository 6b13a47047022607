import { createHash } from 'node:crypto';
import type { Pool, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** Statement names by text: each text is hashed once. */
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `sb_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs `text` as a named prepared statement on the data source's pool (the pool TypeORM opened):
 * each pooled connection parses and plans it once, then only binds and executes it. For the
 * statements of the hot paths (POST /v1/calls runs ~10 of them), where Postgres spent more time
 * planning them afresh than running them. Not for statements whose text varies with the input
 * (every distinct text is a statement kept by every connection). Rows as pg returns them (no
 * TypeORM `[rows, count]` wrapping for UPDATE/DELETE … RETURNING). Named statements live in the
 * server session: a pooler in front of Postgres must keep sessions (PgBouncer in transaction mode
 * needs `max_prepared_statements`, 1.21+).
 */
export async function queryPrepared<Row extends Record<string, unknown>>(
  dataSource: DataSource,
  text: string,
  values: readonly unknown[],
): Promise<QueryResult<Row>> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  return pool.query<Row>({ name: nameOf(text), text, values: [...values] });
}
