/**
 * The product as it runs in production, started by the harness: the BUILT API
 * (`node apps/api/dist/main.js`) and call workers (`node apps/agent/dist/main.js`) as child
 * processes, pointed at the scenario's private services. Migrations and the organisation are made
 * by the product's own steps (`migrate.js run`, `cli/seed-demo.js`), as `npm start` does.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, sleep } from './services.js';

const run = promisify(execFile);

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const API_MAIN = join(ROOT, 'apps/api/dist/main.js');
const AGENT_MAIN = join(ROOT, 'apps/agent/dist/main.js');

/**
 * Builds the API and the worker (`tsc -b apps/api apps/agent`, incremental: quick when nothing
 * changed). Type errors stop the build unless `tolerateTypeErrors` and tsc still emitted both
 * entry points. Returns the seconds it took.
 */
export function buildProduct({ tolerateTypeErrors = false } = {}): number {
  const started = performance.now();
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'apps/api', 'apps/agent'], {
      cwd: ROOT,
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const emitted = [API_MAIN, AGENT_MAIN].every((file) => existsSync(file));
    if (!tolerateTypeErrors || !emitted) {
      throw new Error(`the build fails:\n${stdout}${stderr}`.trimEnd(), { cause: error });
    }
    console.warn(`warning: type errors; running what tsc emitted:\n${`${stdout}${stderr}`.trim().slice(0, 2000)}`);
  }
  return (performance.now() - started) / 1000;
}

/** One log line of a child process: the parsed pino JSON when it is one. */
export interface LogLine {
  at: number;
  text: string;
  json?: Record<string, unknown>;
}

/** A child process whose output is kept (in memory for the checks, in a file for post-mortems). */
export class Proc {
  readonly lines: LogLine[] = [];
  private readonly file: WriteStream;
  readonly exited: Promise<number | string>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    logPath: string,
  ) {
    this.file = createWriteStream(logPath, { flags: 'a' });
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const text of parts) this.push(text);
      });
      stream?.on('end', () => rest && this.push(rest));
    }
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  }

  private push(text: string): void {
    const line: LogLine = { at: Date.now(), text };
    if (text.startsWith('{')) {
      try {
        line.json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON after all: kept as text
      }
    }
    this.lines.push(line);
    this.file.write(`${text}\n`);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first line (already seen or to come) that `match` accepts. */
  async waitForLine(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (let seen = 0; ;) {
      for (; seen < this.lines.length; seen++) {
        const line = this.lines[seen];
        if (line && match(line)) return line;
      }
      if (!this.running)
        throw new Error(`${this.name} exited (${String(await this.exited)}) before the expected log line`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no expected log line within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.running) {
      this.child.kill(signal);
      await this.exited;
    }
    this.file.end();
  }
}

export interface HttpAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, navigated freely by the checks
  body: any;
  ms: number;
}

export interface ProductOptions {
  label: string;
  databaseUrl: string;
  redisUrl: string;
  logDir: string;
  /** settings of the API on top of the harness's own (e.g. a short lease) */
  apiEnv?: Record<string, string>;
  /** settings of every worker */
  workerEnv?: Record<string, string>;
}

/** What the demo seed made: the admin key, the flow to call and the owned caller id. */
export interface Tenant {
  apiKey: string;
  flowId: string;
  callerId: string;
  organization: string;
}

export class Product {
  api: Proc | undefined;
  readonly workers: Proc[] = [];
  readonly workerToken = randomBytes(24).toString('base64url');
  port = 0;
  tenant!: Tenant;
  /** the API's calls clock minus the real clock (CLOCK_START), read from its start-up log */
  clockOffsetMs = 0;
  private workerSeq = 0;
  private readonly pool: pg.Pool;

  constructor(readonly options: ProductOptions) {
    // the checks read the truth from Postgres; a few connections, short timeouts (Postgres may be down)
    this.pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 3,
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 1_000,
    });
    this.pool.on('error', () => undefined);
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: this.options.databaseUrl,
      REDIS_URL: this.options.redisUrl,
      WORKER_TOKEN: this.workerToken,
      ...extra,
    };
  }

  /** Migrations (the product's runner) and the demo organisation (the product's seed). */
  async prepare(): Promise<void> {
    const env = this.env({ LOG_LEVEL: 'warn' });
    await run(process.execPath, [join(ROOT, 'apps/api/dist/database/migrate.js'), 'run'], { cwd: ROOT, env });
    const email = `reliability-${randomBytes(4).toString('hex')}@switchboard.test`;
    const { stdout } = await run(process.execPath, [join(ROOT, 'apps/api/dist/cli/seed-demo.js')], {
      cwd: ROOT,
      env: { ...env, DEMO_EMAIL: email, DEMO_PASSWORD: `pw-${randomBytes(12).toString('base64url')}` },
    });
    const seeded = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      apiKey?: string;
      callerId?: string;
      organization?: string;
    };
    if (!seeded.apiKey || !seeded.callerId || !seeded.organization) {
      throw new Error(`the demo seed did not create an organisation: ${stdout}`);
    }
    this.tenant = { apiKey: seeded.apiKey, callerId: seeded.callerId, organization: seeded.organization, flowId: '' };
  }

  async startApi(): Promise<void> {
    this.port = await freePort();
    const child = spawn(process.execPath, [API_MAIN], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.env({
        PORT: String(this.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        RATE_LIMIT_PER_MINUTE: '0',
        ...this.options.apiEnv,
      }),
    });
    this.api = new Proc('api', child, join(this.options.logDir, `${this.options.label}-api.log`));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (!this.api.running) {
        const tail = this.api.lines
          .slice(-20)
          .map((line) => line.text)
          .join('\n');
        throw new Error(`the API exited (${String(await this.api.exited)}):\n${tail}`);
      }
      const health = await this.request('GET', '/health', undefined, { timeoutMs: 2_000 }).catch(() => undefined);
      if (health?.status === 200) break;
      if (Date.now() > deadline) throw new Error('the API did not become healthy within 60 s');
      await sleep(200);
    }
    if (this.options.apiEnv?.CLOCK_START) {
      const shifted = await this.api.waitForLine(
        (line) => String(line.json?.msg ?? '').startsWith('CLOCK_START'),
        5_000,
      );
      this.clockOffsetMs = Date.parse(String(shifted.json?.callsClockNow)) - Number(shifted.json?.time);
    }
    if (!this.tenant.flowId) {
      const flows = await this.request('GET', '/v1/flows?limit=100');
      const flow = (
        flows.body?.items as { id: string; name: string; latestVersion: number | null }[] | undefined
      )?.find((item) => /appointment/i.test(item.name) && item.latestVersion !== null);
      if (!flow) throw new Error(`no published appointment-reminder flow in the seed: ${JSON.stringify(flows.body)}`);
      this.tenant.flowId = flow.id;
    }
  }

  /** The instant the API's calls clock reads now. */
  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /** A call worker process; resolves once it says it is ready. */
  async startWorker(env: Record<string, string> = {}): Promise<Proc> {
    const name = `worker-${++this.workerSeq}`;
    const child = spawn(process.execPath, [AGENT_MAIN], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.env({
        API_URL: this.base,
        LOG_LEVEL: 'info',
        WORKER_ID: `${this.options.label}-${name}`,
        WORKER_CONCURRENCY: '4',
        ...this.options.workerEnv,
        ...env,
      }),
    });
    const worker = new Proc(name, child, join(this.options.logDir, `${this.options.label}-${name}.log`));
    this.workers.push(worker);
    await worker.waitForLine((line) => line.json?.msg === 'agent worker ready', 30_000);
    return worker;
  }

  /** One request to the API, bounded in time; a timeout is status 0. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    {
      timeoutMs = 10_000,
      headers = {},
      contentType = 'application/json',
    }: { timeoutMs?: number; headers?: Record<string, string>; contentType?: string } = {},
  ): Promise<HttpAnswer> {
    const started = performance.now();
    // a string body of another content type (text/csv) goes as it is
    const raw = typeof body === 'string' && contentType !== 'application/json';
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.tenant?.apiKey ?? ''}`,
          ...(body === undefined ? {} : { 'content-type': contentType }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: kept as text
      }
      return { status: res.status, body: parsed, ms: performance.now() - started };
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        return { status: 0, body: 'timeout', ms: performance.now() - started };
      }
      throw error;
    }
  }

  /** A query on the scenario's database (the source of truth for the checks). */
  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T>(sql, params)).rows;
  }

  /** Stops every process (SIGKILL: the scenario is over) and closes the pool. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.workers, ...(this.api ? [this.api] : [])].map((proc) => proc.kill('SIGKILL')));
    await this.pool.end().catch(() => undefined);
  }
}
