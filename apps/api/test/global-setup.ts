import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { DEFAULT_DATABASE_URL } from '../src/config/app-config.js';
import { dropDatabase, ensureDatabase, runMigrations, withDatabaseName } from '../src/database/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database of this test run alone, migrated to the latest schema. */
    databaseUrl: string;
  }
}

const TEST_DATABASE_PREFIX = 'switchboard_test_';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops databases left behind by earlier runs that were killed before their teardown. */
async function dropOrphans(serverUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabaseName(serverUrl, 'postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${TEST_DATABASE_PREFIX}%`,
    ]);
    for (const { datname } of rows) {
      const pid = Number(/^switchboard_test_(\d+)_/.exec(datname)?.[1]);
      if (Number.isInteger(pid) && !isRunning(pid)) {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * One database per test run (`switchboard_test_<pid>_<random>`), so runs in parallel never share
 * one, built by the real migrations, and dropped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  await dropOrphans(serverUrl);
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = withDatabaseName(serverUrl, name);
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  project.provide('databaseUrl', databaseUrl);

  return async () => {
    await dropDatabase(databaseUrl);
  };
}
