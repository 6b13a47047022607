import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { migrations } from '../src/database/data-source.js';
import {
  createScratchDatabase,
  diffMigrationsAgainstEntities,
  diffSchema,
  dropDatabase,
  revertLastMigration,
  runMigrations,
} from '../src/database/migrate.js';

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    return rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  let url: string;

  // A database of its own: reverting must not pull the schema from under the e2e tests.
  beforeAll(async () => {
    url = await createScratchDatabase(inject('databaseUrl'), 'migrations');
  });
  afterAll(async () => {
    await dropDatabase(url);
  });

  it('build exactly what the entities describe (migration:check finds no drift)', async () => {
    const diff = await diffMigrationsAgainstEntities(url);
    expect(diff.up.map((query) => query.query)).toEqual([]);
  });

  it('apply in order, then revert one by one to an empty schema, then apply again', async () => {
    expect(await runMigrations(url)).toEqual(migrations.map((migration) => migration.name));
    expect(await tables(url)).toContain('organizations');
    expect((await diffSchema(url)).up).toEqual([]);
    expect(await runMigrations(url)).toEqual([]);

    for (const migration of [...migrations].reverse()) {
      expect(await revertLastMigration(url)).toBe(migration.name);
    }
    expect(await revertLastMigration(url)).toBeUndefined();
    expect(await tables(url)).toEqual(['migrations']);

    await runMigrations(url);
    expect((await diffSchema(url)).up).toEqual([]);
  });

  it('give organizations a generated id, a creation time and a unique slug', async () => {
    await runMigrations(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; created_at: Date }>(
        `INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme') RETURNING id, created_at`,
      );
      expect(rows[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(rows[0]?.created_at).toBeInstanceOf(Date);
      await expect(client.query(`INSERT INTO organizations (name, slug) VALUES ('Other', 'acme')`)).rejects.toThrow(
        /uq_organizations_slug/,
      );
    } finally {
      await client.end();
    }
  });
});
