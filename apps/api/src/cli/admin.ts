import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ActivityRepository } from '../activity/activity.repository.js';
import { ActivityService } from '../activity/activity.service.js';
import { ApiKeysRepository } from '../auth/api-keys.repository.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { Clock } from '../auth/clock.js';
import { Credentials } from '../auth/credentials.js';
import { MembersService } from '../auth/members.service.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { UsersRepository } from '../auth/users.repository.js';
import { ApiError } from '../common/errors/api-error.js';
import { ConfigError, loadDatabaseUrl } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source.js';
import { databaseNameOf, redactUrl } from '../database/migrate.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { OrganizationsService, type CreatedOrganization } from '../organizations/organizations.service.js';

/**
 * `admin` commands of the API, run from source by tsx (`switchboard admin …` spawns this file:
 * the API owns the database, the CLI never imports it). Bootstraps an organisation with an admin
 * and an admin API key.
 *
 * Wired by hand rather than through Nest: tsx (esbuild) emits no decorator metadata, and a
 * one-shot command needs no more than these few services.
 */

/** The admin's password can come through the environment rather than argv (what `switchboard admin` does). */
export const PASSWORD_ENV = 'SWITCHBOARD_ADMIN_PASSWORD';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const USAGE = `usage: admin create-org --name <name> --email <email> [--password <password>] [--admin-name <name>] [--json]

  Creates an organisation, its first admin user (a random password unless one is given) and an
  admin API key, and prints them. The password (when generated) and the key are shown this once.
  Reads DATABASE_URL (default postgres://postgres@127.0.0.1:5432/switchboard); the password may
  also come from ${PASSWORD_ENV}.`;

export interface AdminIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

class AdminCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
  }
}

/** The services `create-org` needs, over one DataSource. */
export function accessServices(dataSource: DataSource): { organizations: OrganizationsService } {
  const clock = new Clock();
  const credentials = new Credentials();
  const passwords = new PasswordHasher();
  const activity = new ActivityService(new ActivityRepository(dataSource));
  const members = new MembersService(new UsersRepository(dataSource), passwords, credentials, activity, dataSource);
  const apiKeys = new ApiKeysService(new ApiKeysRepository(dataSource), credentials, activity, clock, dataSource);
  const organizations = new OrganizationsService(
    new OrganizationsRepository(dataSource),
    members,
    apiKeys,
    passwords,
    credentials,
    activity,
    dataSource,
  );
  return { organizations };
}

/** Connects, or explains what to run so that it can. */
async function connect(url: string): Promise<DataSource> {
  const where = redactUrl(url);
  const dataSource = new DataSource({ ...dataSourceOptions(url), poolSize: 2 });
  try {
    await dataSource.initialize();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '3D000') {
      throw new AdminCommandError(
        `database "${databaseNameOf(url)}" does not exist on ${where}: create and migrate it with \`npm run db:create -w @switchboard/api && npm run migration:run\` (or \`npm start\` once)`,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new AdminCommandError(
      `cannot reach Postgres at ${where} (${reason}): start it (\`docker compose up -d postgres\`) or set DATABASE_URL, then run \`npm run migration:run\``,
    );
  }
  try {
    if (await dataSource.showMigrations()) {
      throw new AdminCommandError(
        `the database at ${where} is not up to date (pending migrations): run \`npm run migration:run\` first`,
      );
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

function printHuman(created: CreatedOrganization, io: AdminIo): void {
  const { organization, admin, apiKey } = created;
  const lines = [
    `Created organization "${organization.name}" (slug ${organization.slug}, id ${organization.id})`,
    '',
    `  admin     ${admin.member.email} (id ${admin.member.id})`,
    admin.passwordGenerated
      ? `  password  ${admin.password}   (generated: shown this once, store it now)`
      : '  password  (the one you gave)',
    `  API key   ${apiKey.key}   (roles: ${apiKey.roles.join(', ')}; shown this once, store it now)`,
    '',
    'Log in with POST /v1/auth/login, or call the API with "Authorization: Bearer <API key>".',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
}

function toJson(created: CreatedOrganization): unknown {
  return {
    organization: created.organization,
    admin: {
      id: created.admin.member.id,
      email: created.admin.member.email,
      roles: created.admin.member.roles,
      ...(created.admin.passwordGenerated ? { password: created.admin.password } : {}),
    },
    apiKey: {
      id: created.apiKey.id,
      name: created.apiKey.name,
      prefix: created.apiKey.prefix,
      roles: created.apiKey.roles,
      key: created.apiKey.key,
    },
  };
}

async function createOrg(args: string[], io: AdminIo): Promise<number> {
  let values: { name?: string; email?: string; password?: string; 'admin-name'?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        name: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        'admin-name': { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new AdminCommandError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, EXIT_USAGE);
  }
  const missing = (['name', 'email'] as const).filter((option) => !values[option]);
  if (missing.length > 0) {
    throw new AdminCommandError(
      `missing ${missing.map((option) => `--${option}`).join(' and ')}\n${USAGE}`,
      EXIT_USAGE,
    );
  }

  let url: string;
  try {
    url = loadDatabaseUrl(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new AdminCommandError(error.message, EXIT_USAGE);
    throw error;
  }

  const dataSource = await connect(url);
  try {
    const password = values.password ?? (io.env[PASSWORD_ENV] || undefined);
    const created = await accessServices(dataSource).organizations.createOrganizationWithAdmin({
      name: values.name ?? '',
      email: values.email ?? '',
      ...(password === undefined ? {} : { password }),
      ...(values['admin-name'] ? { adminName: values['admin-name'] } : {}),
    });
    if (values.json === true) io.stdout.write(`${JSON.stringify(toJson(created), null, 2)}\n`);
    else printHuman(created, io);
    return EXIT_OK;
  } catch (error) {
    // Rule violations (bad email, short password, email taken) are for the person at the terminal.
    if (error instanceof ApiError) {
      throw new AdminCommandError(error.message, error.status === 409 ? EXIT_FAILED : EXIT_USAGE);
    }
    throw error;
  } finally {
    await dataSource.destroy();
  }
}

/** Runs `admin ARGS…`; resolves to the exit code and never throws. */
export async function main(argv: string[], io: AdminIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'create-org':
        return await createOrg(rest, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      default:
        throw new AdminCommandError(`unknown command "${command}"\n${USAGE}`, EXIT_USAGE);
    }
  } catch (error) {
    if (error instanceof AdminCommandError) {
      io.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILED;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = EXIT_FAILED;
    },
  );
}
