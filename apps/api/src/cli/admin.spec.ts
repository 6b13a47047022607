import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabaseName } from '../database/migrate.js';
import { main, PASSWORD_ENV, type AdminIo } from './admin.js';

/** The `admin` command against the test run's own database (real Postgres, real migrations). */

function capture(env: Record<string, string | undefined>): AdminIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env,
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const email = (name: string) => `${name}-${randomBytes(4).toString('hex')}@cli.test`;

describe('admin create-org', () => {
  let databaseUrl: string;
  let client: pg.Client;

  beforeAll(async () => {
    databaseUrl = inject('databaseUrl');
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  it('creates the organisation, an admin with a generated password and an admin key, and prints them', async () => {
    const io = capture({ DATABASE_URL: databaseUrl });
    const adminEmail = email('Boot');
    expect(await main(['create-org', '--name', 'Bootstrap Co', '--email', adminEmail], io)).toBe(0);
    const text = io.out();
    expect(text).toMatch(/^Created organization "Bootstrap Co" \(slug bootstrap-co(-[0-9a-f]{6})?, id [0-9a-f-]{36}\)/);
    expect(text).toContain(`admin     ${adminEmail.toLowerCase()}`);
    const password = /password {2}(\S+) {3}\(generated/.exec(text)?.[1];
    const key = /API key {3}(sk_\S+)/.exec(text)?.[1];
    expect(password).toBeDefined();
    expect(key).toBeDefined();

    const { rows } = await client.query<{ roles: string[]; password_hash: string; key_roles: string[] }>(
      `SELECT u.roles, u.password_hash, k.roles AS key_roles
         FROM users u JOIN api_keys k ON k.organization_id = u.organization_id
        WHERE u.email = $1`,
      [adminEmail.toLowerCase()],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ roles: ['admin'], key_roles: ['admin'] });
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('prints JSON with --json, and takes the password from the environment', async () => {
    const io = capture({ DATABASE_URL: databaseUrl, [PASSWORD_ENV]: 'a password from the env' });
    const adminEmail = email('json');
    expect(await main(['create-org', '--name', 'Json Org', '--email', adminEmail, '--json'], io)).toBe(0);
    const printed = JSON.parse(io.out()) as {
      organization: { id: string; slug: string };
      admin: { email: string; password?: string };
      apiKey: { key: string; prefix: string; roles: string[] };
    };
    expect(printed.admin).toMatchObject({ email: adminEmail });
    expect(printed.admin.password).toBeUndefined();
    expect(printed.apiKey.key.startsWith(printed.apiKey.prefix)).toBe(true);
    expect(printed.apiKey.roles).toEqual(['admin']);
  });

  it('refuses an email that already has an account (exit 1), and creates nothing', async () => {
    const adminEmail = email('dup');
    expect(
      await main(['create-org', '--name', 'First', '--email', adminEmail], capture({ DATABASE_URL: databaseUrl })),
    ).toBe(0);
    const before = await client.query<{ count: string }>('SELECT count(*) FROM organizations');
    const io = capture({ DATABASE_URL: databaseUrl });
    expect(await main(['create-org', '--name', 'Second', '--email', adminEmail.toUpperCase()], io)).toBe(1);
    expect(io.err()).toBe(`error: An account with the email ${adminEmail} already exists\n`);
    const after = await client.query<{ count: string }>('SELECT count(*) FROM organizations');
    expect(after.rows[0]?.count).toBe(before.rows[0]?.count);
  });

  it.each([
    [['--name', 'X', '--email', 'not-an-email'], /email: "not-an-email" is not an email address/],
    [['--name', 'X', '--email', 'short@cli.test', '--password', 'short'], /password: must be at least 12 characters/],
    [['--name', 'X'], /missing --email/],
    [['--email', 'x@cli.test'], /missing --name/],
    [['--name', 'X', '--email', 'x@cli.test', '--role', 'admin'], /Unknown option '--role'/],
  ])('refuses %j with exit 2 and a clear message', async (args, message) => {
    const io = capture({ DATABASE_URL: databaseUrl });
    expect(await main(['create-org', ...args], io)).toBe(2);
    expect(io.err()).toMatch(message);
  });

  it('says what to run when Postgres cannot be reached', async () => {
    const io = capture({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/switchboard' });
    expect(await main(['create-org', '--name', 'X', '--email', email('down')], io)).toBe(1);
    expect(io.err()).toMatch(
      /^error: cannot reach Postgres at postgres:\/\/postgres@127\.0\.0\.1:1\/switchboard .*docker compose up -d postgres.*npm run migration:run/,
    );
  });

  it('says what to run when the database does not exist', async () => {
    const io = capture({ DATABASE_URL: withDatabaseName(databaseUrl, `missing_${randomBytes(4).toString('hex')}`) });
    expect(await main(['create-org', '--name', 'X', '--email', email('missing')], io)).toBe(1);
    expect(io.err()).toMatch(/does not exist .*npm run db:create -w @switchboard\/api && npm run migration:run/);
  });

  it('answers an unknown command with the usage and exit 2', async () => {
    const io = capture({});
    expect(await main(['drop-everything'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown command "drop-everything"\nusage: admin create-org/);
  });

  it('runs from `switchboard admin create-org`, which spawns it (no import across apps)', async () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const adminEmail = email('spawned');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/switchboard.js', 'admin', 'create-org', '--name', 'Spawned', '--email', adminEmail, '--json'],
      { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toMatchObject({ admin: { email: adminEmail, password: expect.any(String) } });
  }, 90_000);
});
