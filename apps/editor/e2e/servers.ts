import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The API on a throwaway database and the built editor under `vite preview`, for the
 * browser test. Uses the API's own build (apps/api/dist) and its migrate/seed CLIs.
 */
const EDITOR = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(EDITOR, '../..');
const API_DIST = join(ROOT, 'apps/api/dist');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Servers {
  editorUrl: string;
  apiUrl: string;
  email: string;
  password: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before answering at ${url}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs} ms`);
}

/** Debian's chromium, installed when missing and we may (root); never a downloaded browser. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() === 0) {
    // a fresh machine has no package lists yet: update them, then install
    for (const args of [['update'], ['install', '-y', 'chromium']]) {
      try {
        execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      } catch {
        /* reported below */
      }
    }
  }
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No browser at ${CHROMIUM}. Install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  return CHROMIUM;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function startServers(): Promise<Servers> {
  const children: ChildProcess[] = [];
  const node = process.execPath;
  // incremental: a no-op when the build is up to date, never a stale API
  execFileSync(node, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'apps/api'], {
    cwd: ROOT,
    stdio: 'inherit',
  });

  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard';
  const dbName = `switchboard_editor_e2e_${process.pid}`;
  const databaseUrl = withDatabaseName(base, dbName);
  const [apiPort, editorPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_KEY_PREFIX: `switchboard:editor-e2e:${process.pid}:`,
  };
  execFileSync(node, [join(API_DIST, 'database/migrate.js'), 'reset'], { cwd: ROOT, env, stdio: 'ignore' });
  const seed = execFileSync(node, [join(API_DIST, 'cli/seed-demo.js')], { cwd: ROOT, env, encoding: 'utf8' });
  const demo = JSON.parse(seed.trim().split('\n').at(-1)!) as { email: string; password: string };

  // the API's log, to read when something goes wrong
  mkdirSync(join(EDITOR, 'artifacts'), { recursive: true });
  const log = openSync(join(EDITOR, 'artifacts/api.log'), 'w');
  const api = spawn(node, [join(API_DIST, 'main.js')], { cwd: ROOT, env, stdio: ['ignore', log, log] });
  children.push(api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const preview = spawn(node, [vite, 'preview', '--port', String(editorPort), '--strictPort', '--host', '127.0.0.1'], {
    cwd: EDITOR,
    env: { ...process.env, API_URL: apiUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(preview);
  const editorUrl = `http://127.0.0.1:${editorPort}`;

  const stop = async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    try {
      execFileSync(
        'psql',
        [withDatabaseName(base, 'postgres'), '-c', `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`],
        { stdio: 'ignore' },
      );
    } catch {
      console.warn(`could not drop the test database ${dbName}`);
    }
  };
  try {
    await waitFor(`${apiUrl}/health`, api, 'the API');
    await waitFor(editorUrl, preview, 'vite preview');
  } catch (error) {
    await stop();
    throw error;
  }
  return { editorUrl, apiUrl, email: demo.email, password: demo.password, stop };
}
