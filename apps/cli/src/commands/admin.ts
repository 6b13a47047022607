import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError, EXIT_FAILED, processIo, type Io } from '../io.js';

/** Where an action leaves its exit code for `main`. */
interface ExitCodeSink {
  exitCode: number;
}

/** The API's own admin entry point: the API owns the database, so the CLI runs it rather than importing it. */
const API_DIR = fileURLToPath(new URL('../../../api/', import.meta.url));
const API_ADMIN_SCRIPT = 'src/cli/admin.ts';
/** How the password reaches the child without showing in its argv (`ps`). */
const PASSWORD_ENV = 'SWITCHBOARD_ADMIN_PASSWORD';

export interface CreateOrgArgs {
  name: string;
  email: string;
  password?: string;
  adminName?: string;
  json?: boolean;
}

/**
 * `switchboard admin …`: bootstrap commands that need the database (DATABASE_URL), carried out
 * by apps/api in a child process.
 */
export function registerAdminCommands(program: Command, io: Io = processIo(), sink?: ExitCodeSink): void {
  const admin = program
    .command('admin')
    .description('administer an installation (needs DATABASE_URL: the API database)')
    .helpCommand(false);

  admin
    .command('create-org')
    .description('create an organisation with its first admin user and an admin API key, and print them')
    .requiredOption('--name <name>', "the organisation's name")
    .requiredOption('--email <email>', "the first admin's email (their login)")
    .option('--password <password>', 'the admin password (at least 12 characters; random when absent)')
    .option('--admin-name <name>', "the admin's display name")
    .option('--json', 'print JSON instead of text')
    .addHelpText(
      'after',
      '\nThe generated password and the API key are printed this once.\nExit codes: 0 created; 1 not created (email taken, database unreachable or not migrated); 2 bad arguments.',
    )
    .action(async (options: { name: string; email: string; password?: string; adminName?: string; json?: boolean }) => {
      const code = await createOrgCommand(options, io);
      if (sink === undefined) process.exitCode = code;
      else sink.exitCode = code;
    });
}

/** Runs `apps/api/src/cli/admin.ts create-org …` and relays its output and exit code. */
export async function createOrgCommand(args: CreateOrgArgs, io: Io): Promise<number> {
  const childArgs = ['create-org', '--name', args.name, '--email', args.email];
  if (args.adminName !== undefined) childArgs.push('--admin-name', args.adminName);
  if (args.json === true) childArgs.push('--json');
  const env: Record<string, string | undefined> = { ...process.env, ...io.env };
  if (args.password !== undefined) env[PASSWORD_ENV] = args.password;

  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', API_ADMIN_SCRIPT, ...childArgs], {
      cwd: API_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void io.stdout.write(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void io.stderr.write(chunk));
    child.on('error', (error) => {
      reject(new CliError(`could not start the API's admin command in ${API_DIR}: ${error.message}`, EXIT_FAILED));
    });
    child.on('close', (code, signal) => {
      resolve(code ?? (signal ? EXIT_FAILED : 0));
    });
  });
}
