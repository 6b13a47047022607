/**
 * Private services of one reliability run, so that it never disturbs the shared servers or a
 * parallel run: a redis-server of its own (really killed and restarted), a database of its own on
 * the shared Postgres, and for the Postgres-down scenario a PostgreSQL cluster of its own.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What must be undone if the run is interrupted (Ctrl-C): a private PostgreSQL cluster runs as a
 * daemon outside our process group and would outlive us.
 */
export const cleanups = new Set<() => Promise<void>>();

export async function runCleanups(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => undefined);
  cleanups.clear();
}

/** A TCP port nobody listens on now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once something accepts TCP connections on the port (or rejects after `timeoutMs`). */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** A redis-server without persistence on a port of its own: a restart comes back empty, as in production. */
export class PrivateRedis {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    cleanups.add(redis.kill);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    this.process = child;
    await waitForPort(this.port);
  }

  /** SIGKILL: every key is gone, connections drop at once. */
  readonly kill = async (): Promise<void> => {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
}

/** The PostgreSQL binaries of the newest installed major version. */
function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((name) => existsSync(join(base, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  const newest = versions.at(-1);
  if (!newest) throw new Error(`no PostgreSQL server binaries under ${base} (initdb, pg_ctl)`);
  return join(base, newest, 'bin');
}

/**
 * A throwaway PostgreSQL cluster (initdb in a temp folder, run as the `postgres` OS user because the
 * server refuses to run as root) on a free port. `stop()` is `pg_ctl stop -m immediate`: the server
 * dies as on a crash, clients see their connections cut.
 */
export class PrivateCluster {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  static async create(): Promise<PrivateCluster> {
    const bin = postgresBin();
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-reliability-pg-'));
    chownSync(dir, ...(await postgresIds()));
    const cluster = new PrivateCluster(await freePort(), dir, bin);
    cleanups.add(cluster.destroy);
    await cluster.asPostgres('initdb', [
      '-D',
      cluster.dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private asPostgres(tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run('runuser', ['-u', 'postgres', '--', join(this.bin, tool), ...args], { cwd: this.dir });
  }

  async start(): Promise<void> {
    await this.asPostgres('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`,
      '-w',
      'start',
    ]);
  }

  async stop(): Promise<void> {
    await this.asPostgres('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  /** Stops the server if it runs and removes the folder. */
  readonly destroy = async (): Promise<void> => {
    cleanups.delete(this.destroy);
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  };
}

async function postgresIds(): Promise<[number, number]> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return [Number(uid.trim()), Number(gid.trim())];
}

/** `url` with another database name. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A database of its own on a server (`switchboard_reliability_<pid>_<hex>`); returns its URL. */
export async function createDatabase(serverUrl: string): Promise<string> {
  const name = `switchboard_reliability_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return withDatabase(serverUrl, name);
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Drops the databases of earlier runs that were killed before their clean-up. */
export async function dropOrphanDatabases(serverUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'switchboard_reliability_%'`,
    );
    for (const { datname } of rows) {
      const pid = Number(/^switchboard_reliability_(\d+)_/.exec(datname)?.[1]);
      if (!Number.isInteger(pid) || isRunning(pid)) continue;
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
