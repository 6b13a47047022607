/**
 * The built API in a worker thread of the bench process, shared by the benches that load it over
 * HTTP (api-flows, compliance, calls, campaign).
 *
 * Why a thread on the build: Nest's dependency injection needs decorator metadata, which tsx does
 * not emit, and under tsx the CommonJS packages (@nestjs/throttler) would load a second copy of
 * @nestjs/core and break injection. The thread runs plain Node on apps/api/dist with its own event
 * loop, so the load generator in the main thread does not delay it.
 *
 * The thread creates a throwaway database next to DATABASE_URL's (`switchboard_bench_<pid>_<hex>`),
 * migrates it, boots AppModule on a random port of 127.0.0.1, creates an organisation (as
 * `switchboard admin create-org` does: no route creates one), logs its admin in and issues an API
 * key with the roles asked for. A bench adds its own steps as a `plugin`: the source of an ES module
 * run in the thread, exporting `ready(ctx)` (its result is merged into the ready message) and/or
 * `handle(ctx, message)` (answers `request()`). On `stop()` the thread closes the app and drops the
 * database; also on failure and on Ctrl-C (see `onInterrupt`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export const ROOT = new URL('../../', import.meta.url);
export const API_DIST = new URL('apps/api/dist/', ROOT);

/** `apps/api/dist/<file>` as a file: URL, for `import()` in the thread. */
export const apiDist = (file: string): string => new URL(file, API_DIST).href;

export interface BuildOptions {
  /** also build the call worker (`tsc -b apps/api apps/agent`) */
  agent?: boolean;
  /**
   * Bench what tsc emitted when the build has type errors (another feature's work in progress need
   * not stop a bench), with a warning. Default true.
   */
  tolerateTypeErrors?: boolean;
}

/** `tsc -b apps/api [apps/agent]`, timed on stdout. */
export function buildApi({ agent = false, tolerateTypeErrors = true }: BuildOptions = {}): void {
  const projects = agent ? ['apps/api', 'apps/agent'] : ['apps/api'];
  process.stdout.write(`building ${projects.join(' and ')} (tsc -b)… `);
  const started = performance.now();
  try {
    execFileSync(process.execPath, [fileURLToPath(import.meta.resolve('typescript/bin/tsc')), '-b', ...projects], {
      cwd: fileURLToPath(ROOT),
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (error) {
    // tsc reports on stdout
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const emitted =
      existsSync(new URL('app.module.js', API_DIST)) &&
      (!agent || existsSync(new URL('apps/agent/dist/main.js', ROOT)));
    if (!tolerateTypeErrors || !emitted) {
      throw new Error(`the build fails:\n${stdout}${stderr}`.trimEnd(), { cause: error });
    }
    console.warn(`\nwarning: type errors; benching what tsc emitted:\n${`${stdout}${stderr}`.trim().slice(0, 2000)}`);
  }
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** What every bench's thread sets up before its plugin runs. */
export interface ApiReady {
  base: string;
  /** the API key issued to the bench (`sk_…`) */
  key: string;
  organizationId: string;
  /** the database URL of the throwaway database (for a worker process, whose queue prefix derives from it) */
  databaseUrl: string;
}

export interface ApiThreadOptions {
  /** roles of the API key the bench gets */
  roles: string[];
  /** environment of the API's loadConfig on top of DATABASE_URL, REDIS_URL, LOG_LEVEL and RATE_LIMIT_PER_MINUTE */
  env?: Record<string, string>;
  /** more modules for the plugin: `ctx.urls[name]`; values are paths under apps/api/dist or package names */
  imports?: Record<string, string>;
  /**
   * The bench's own steps, as the source of an ES module run in the thread. It sees
   * `ctx = { app, base, key, organizationId, organizationName, databaseUrl, urls, call(method, path, {token?, body?, expect}) }`
   * and may export `async ready(ctx)` (object merged into the ready message) and
   * `async handle(ctx, message)` (the answer of `ApiThread.request(message)`).
   */
  plugin?: string;
}

export interface ApiThread<R> {
  ready: ApiReady & R;
  /** sends `message` to the plugin's `handle` and resolves with its answer */
  request<T>(message: unknown): Promise<T>;
  /** closes the app and drops the database (once; later calls return the same promise) */
  stop(): Promise<void>;
}

type FromThread =
  | { type: 'ready'; ready: ApiReady & Record<string, unknown> }
  | { type: 'reply'; result: unknown }
  | { type: 'failed'; error: string }
  | { type: 'stopped'; dropped?: string | null };

/**
 * The thread, as plain JavaScript on the built API. Everything is imported by absolute URL (a
 * `data:` module has no node_modules to resolve from).
 */
const THREAD = `
import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const { urls, databaseUrl: serverUrlFromEnv, redisUrl, roles, env, plugin: pluginUrl, logLevel } = workerData;
const send = (message) => parentPort.postMessage(message);
const inbox = [];
const waiting = [];
parentPort.on('message', (message) => { const resolve = waiting.shift(); if (resolve) resolve(message); else inbox.push(message); });
const next = () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((resolve) => waiting.push(resolve)));

async function call(base, method, path, { token, body, expect, headers = {} }) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...headers,
      ...(token ? { authorization: 'Bearer ' + token } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (expect !== undefined && res.status !== expect) throw new Error(method + ' ' + path + ': expected ' + expect + ', got ' + res.status + ': ' + text.slice(0, 500));
  return text ? JSON.parse(text) : undefined;
}

const { NestFactory } = await import(urls.nestCore);
const { AppModule } = await import(urls.appModule);
const { setupApp } = await import(urls.appSetup);
const { loadConfig, DEFAULT_DATABASE_URL } = await import(urls.appConfig);
const { createLogger } = await import(urls.logger);
const { OrganizationsService } = await import(urls.organizations);
const migrate = await import(urls.migrate);
const plugin = pluginUrl ? await import(pluginUrl) : {};

const name = 'switchboard_bench_' + process.pid + '_' + randomBytes(4).toString('hex');
const databaseUrl = migrate.withDatabaseName(serverUrlFromEnv ?? DEFAULT_DATABASE_URL, name);
let app;
let created = false;
try {
  created = await migrate.ensureDatabase(databaseUrl);
  await migrate.runMigrations(databaseUrl);
  // one API key makes every request: the per-caller rate limit would turn a bench into 429s
  const config = loadConfig({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: logLevel, RATE_LIMIT_PER_MINUTE: '0', ...env });
  app = await NestFactory.create(AppModule.register(config, { logger: createLogger({ level: logLevel }) }), {
    // throw rather than exit quietly when the API cannot start
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  setupApp(app);
  await app.listen(0, '127.0.0.1');
  const base = 'http://127.0.0.1:' + app.getHttpServer().address().port;

  const tag = randomBytes(4).toString('hex');
  const email = 'bench-' + tag + '@bench.test';
  const password = 'bench-' + randomBytes(12).toString('base64url');
  const org = await app.get(OrganizationsService).createOrganizationWithAdmin({ name: 'Bench ' + tag, email, password });
  const session = await call(base, 'POST', '/v1/auth/login', { body: { email, password }, expect: 200 });
  const { key } = await call(base, 'POST', '/v1/api-keys', { token: session.token, body: { name: 'bench', roles }, expect: 201 });
  const ctx = {
    app, base, key, databaseUrl, urls,
    organizationId: org.organization.id,
    organizationName: org.organization.name,
    call: (method, path, options) => call(base, method, path, { token: key, ...options }),
  };
  const extra = plugin.ready ? await plugin.ready(ctx) : {};
  send({ type: 'ready', ready: { base, key, organizationId: ctx.organizationId, databaseUrl, ...extra } });
  for (let message = await next(); message !== 'stop'; message = await next()) {
    if (!plugin.handle) throw new Error('this bench has no handle() in its plugin');
    send({ type: 'reply', result: await plugin.handle(ctx, message) });
  }
} catch (error) {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  // data: URLs are the whole module source: name them instead
  const readable = text.replaceAll(import.meta.url, 'api-thread');
  send({ type: 'failed', error: pluginUrl ? readable.replaceAll(pluginUrl, 'plugin') : readable });
  while ((await next()) !== 'stop');
} finally {
  // a load may still be running (Ctrl-C): do not wait for its connections to go idle
  app?.getHttpServer().closeAllConnections();
  await app?.close();
  if (created) await migrate.dropDatabase(databaseUrl);
  send({ type: 'stopped', dropped: created ? name : null });
}
`;

const moduleUrl = (source: string): URL => new URL(`data:text/javascript,${encodeURIComponent(source)}`);

/** Starts the thread and waits until the API answers and the plugin's `ready` ran. */
export async function startApiThread<R extends object = Record<string, never>>(
  options: ApiThreadOptions,
): Promise<ApiThread<R>> {
  const urls: Record<string, string> = {
    nestCore: import.meta.resolve('@nestjs/core'),
    appModule: apiDist('app.module.js'),
    appSetup: apiDist('app.setup.js'),
    appConfig: apiDist('config/app-config.js'),
    logger: apiDist('common/logging/logger.js'),
    organizations: apiDist('organizations/organizations.service.js'),
    migrate: apiDist('database/migrate.js'),
  };
  for (const [name, target] of Object.entries(options.imports ?? {})) {
    urls[name] = target.endsWith('.js') ? apiDist(target) : import.meta.resolve(target);
  }
  const worker = new Worker(moduleUrl(THREAD), {
    execArgv: [],
    workerData: {
      databaseUrl: process.env.DATABASE_URL,
      redisUrl: process.env.REDIS_URL,
      // the API's logs are off (they would cost more than the work measured); BENCH_LOG_LEVEL=error to see failures
      logLevel: process.env.BENCH_LOG_LEVEL ?? 'silent',
      roles: options.roles,
      env: options.env ?? {},
      plugin: options.plugin ? moduleUrl(options.plugin).href : null,
      urls,
    },
  });

  const inbox: FromThread[] = [];
  const waiting: ((message: FromThread) => void)[] = [];
  const deliver = (message: FromThread) => {
    const resolve = waiting.shift();
    if (resolve) resolve(message);
    else inbox.push(message);
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'failed', error: error.stack ?? error.message }));
  worker.on('exit', () => deliver({ type: 'stopped' }));
  const next = (): Promise<FromThread> => {
    const queued = inbox.shift();
    return queued ? Promise.resolve(queued) : new Promise<FromThread>((resolve) => waiting.push(resolve));
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      worker.postMessage('stop');
      // the thread closes the app and drops its database, then says so
      for (let message = await next(); ; message = await next()) {
        if (message.type !== 'stopped') continue;
        if (message.dropped) console.log(`\ndropped database ${message.dropped}`);
        break;
      }
      await worker.terminate();
    })());

  const first = await next();
  if (first.type !== 'ready') {
    await stop();
    throw new Error(first.type === 'failed' ? `the API did not start:\n${first.error}` : 'the API thread ended');
  }
  return {
    ready: first.ready as ApiReady & R,
    stop,
    async request<T>(message: unknown): Promise<T> {
      worker.postMessage(message);
      const answer = await next();
      if (answer.type === 'reply') return answer.result as T;
      throw new Error(answer.type === 'failed' ? answer.error : 'the API thread ended');
    },
  };
}

/**
 * Ctrl-C: `cleanup` (stop a load, the thread, child processes), then exit 130. `on`, not `once`:
 * Ctrl-C reaches this process twice (from the terminal and from bin/bench.js).
 */
export function onInterrupt(cleanup: () => Promise<void> | void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void Promise.resolve()
        .then(cleanup)
        .finally(() => process.exit(130));
    });
  }
}
