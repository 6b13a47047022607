import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { loadDatabaseUrl } from '../config/app-config.js';
import { createLogger } from '../common/logging/logger.js';
import { dataSourceOptions } from './data-source.js';

/**
 * Migrations run as an explicit step — from `npm start`, from the test setup, from
 * `npm run migration:run` — never as a side effect of booting the API.
 */

const POSTGRES_MAX_IDENTIFIER = 63;

export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL names no database: ${redactUrl(url)}`);
  return name;
}

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Runs `work` on a connection to the server's maintenance database (`postgres`). */
async function withServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabaseName(url, 'postgres'), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` unless it exists. Returns whether it was created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return withServer(url, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      // Someone else created it between the check and now.
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }
  });
}

/** Drops the database named in `url`, closing its open connections first. */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await withServer(url, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** A fresh, uniquely named database next to the one in `url` (`<name>_<tag>_<random>`); returns its URL. */
export async function createScratchDatabase(url: string, tag: string): Promise<string> {
  const suffix = `_${tag}_${randomBytes(4).toString('hex')}`;
  const name = `${databaseNameOf(url).slice(0, POSTGRES_MAX_IDENTIFIER - suffix.length)}${suffix}`;
  const scratchUrl = withDatabaseName(url, name);
  await ensureDatabase(scratchUrl);
  return scratchUrl;
}

async function withDataSource<T>(url: string, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Applies every pending migration, each in its own transaction. Returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  return withDataSource(url, async (dataSource) => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  });
}

/** Reverts the last applied migration. Returns its name, or undefined when none was applied. */
export async function revertLastMigration(url: string): Promise<string | undefined> {
  return withDataSource(url, async (dataSource) => {
    const executed = await new MigrationExecutor(dataSource).getExecutedMigrations();
    const last = executed.toSorted((a, b) => b.timestamp - a.timestamp)[0];
    if (!last) return undefined;
    await dataSource.undoLastMigration({ transaction: 'each' });
    return last.name;
  });
}

export interface SchemaDiff {
  up: { query: string; parameters?: unknown[] }[];
  down: { query: string; parameters?: unknown[] }[];
}

/** What the entities need that the schema of the database at `url` lacks (empty when in sync). */
export async function diffSchema(url: string): Promise<SchemaDiff> {
  return withDataSource(url, async (dataSource) => {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return { up: sql.upQueries, down: sql.downQueries };
  });
}

/**
 * Applies every migration to an empty scratch database and compares the result with the
 * entities. An entity changed without a migration shows up as a non-empty diff.
 */
export async function diffMigrationsAgainstEntities(url: string): Promise<SchemaDiff> {
  const scratchUrl = await createScratchDatabase(url, 'check');
  try {
    await runMigrations(scratchUrl);
    return await diffSchema(scratchUrl);
  } finally {
    await dropDatabase(scratchUrl);
  }
}

function quoteSql(query: string): string {
  return query.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
}

function renderQuery(query: { query: string; parameters?: unknown[] }): string {
  const parameters = query.parameters?.length ? `, ${JSON.stringify(query.parameters)}` : '';
  return `    await queryRunner.query(\`${quoteSql(query.query)}\`${parameters});`;
}

export function renderMigration(className: string, diff: SchemaDiff): string {
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${diff.up.map(renderQuery).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${[...diff.down].reverse().map(renderQuery).join('\n')}
  }
}
`;
}

/**
 * Writes `migrations/<timestamp>-<name>.ts` with what the entities need beyond the existing
 * migrations. Returns the file and class names, or undefined when there is nothing to migrate.
 */
export async function generateMigration(
  url: string,
  name: string,
  now = Date.now(),
): Promise<{ file: string; className: string } | undefined> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`migration name must be kebab-case (e.g. add-flows), got "${name}"`);
  }
  const diff = await diffMigrationsAgainstEntities(url);
  if (diff.up.length === 0) return undefined;
  const pascal = name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
  const className = `${pascal}${now}`;
  const file = fileURLToPath(new URL(`./migrations/${now}-${name}.ts`, import.meta.url));
  await writeFile(file, renderMigration(className, diff), { flag: 'wx' });
  return { file, className };
}

const USAGE = `usage: migrate <command>
  run               apply pending migrations to DATABASE_URL
  revert            revert the last applied migration
  check             fail (exit 1) when the entities differ from what the migrations build
  generate <name>   write migrations/<timestamp>-<name>.ts from that difference (run from source)
  create            create the database named in DATABASE_URL if it is missing
  reset             drop and re-create the database, then apply every migration (not in production)`;

async function main(argv: string[]): Promise<number> {
  const [command, argument] = argv;
  const logger = createLogger({ level: 'info', name: 'migrate' });
  const url = loadDatabaseUrl();
  const where = redactUrl(url);
  switch (command) {
    case 'run': {
      const applied = await runMigrations(url);
      logger.info(
        { database: where, applied },
        applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date',
      );
      return 0;
    }
    case 'revert': {
      const reverted = await revertLastMigration(url);
      logger.info({ database: where, reverted }, reverted ? `reverted ${reverted}` : 'no migration to revert');
      return 0;
    }
    case 'check': {
      const diff = await diffMigrationsAgainstEntities(url);
      if (diff.up.length === 0) {
        logger.info('migrations match the entities');
        return 0;
      }
      logger.error(
        { missing: diff.up.map((query) => query.query) },
        'the entities differ from the migrations: run `npm run migration:generate -- <name>`',
      );
      return 1;
    }
    case 'generate': {
      if (!argument) {
        logger.error('generate needs a name: npm run migration:generate -- add-flows');
        return 2;
      }
      const generated = await generateMigration(url, argument);
      if (!generated) {
        logger.info('nothing to generate: migrations match the entities');
        return 0;
      }
      logger.info(
        generated,
        `wrote ${generated.file}: review it, then add ${generated.className} to \`migrations\` in src/database/data-source.ts`,
      );
      return 0;
    }
    case 'create': {
      const created = await ensureDatabase(url);
      logger.info({ database: where }, created ? 'database created' : 'database exists');
      return 0;
    }
    case 'reset': {
      if (process.env.NODE_ENV === 'production') {
        logger.error('refusing to reset a database with NODE_ENV=production');
        return 1;
      }
      await dropDatabase(url);
      await ensureDatabase(url);
      const applied = await runMigrations(url);
      logger.info({ database: where, applied }, 'database reset');
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`migrate: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
