/**
 * The HTTP API under load: `GET /v1/flows/:id` and `POST /v1/flows/:id/validate`, driven by
 * autocannon over 127.0.0.1 against the real AppModule (auth and rate-limit guards, validation,
 * Postgres, Redis, logging at level silent).
 *
 *   npm run bench -- api-flows [--duration S] [--connections N]
 *
 * The bench builds the API (`npm run build -w @switchboard/api`: Nest's dependency injection
 * needs decorator metadata, which tsx does not emit) and starts it in a worker thread of this
 * process, where it creates a throwaway database next to DATABASE_URL's
 * (`switchboard_bench_<pid>_<random>`), migrates it, boots AppModule on a random port, creates an
 * organisation (as `switchboard admin create-org` does: no route creates one) and, through the
 * routes, logs its admin in, issues a designer API key and creates a flow from an example
 * template. Each route is checked to answer 200, warmed up for 2 s, then loaded for `--duration`
 * seconds (default 10) from this thread. The database is dropped at the end, on failure and on
 * Ctrl-C too.
 *
 * Prints requests/s, latency p50/p99/max and the answers that were not 2xx; exits 0 unless the
 * bench itself could not run. No goals yet: the figures are a baseline to compare changes with.
 * The machine's load average is printed with them: on a shared machine they vary a lot.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { numberArg, printTable } from './lib/report.js';

const DURATION_S = numberArg('--duration', 10);
const CONNECTIONS = numberArg('--connections', 10);
const WARMUP_S = 2;
const TEMPLATE_ID = 'appointment-reminder';

const root = new URL('../', import.meta.url);
const apiDist = new URL('apps/api/dist/', root);

// ------------------------------------------------------------------ the API thread

/**
 * The API thread, as plain JavaScript on the built API (apps/api/dist, libs/*\/dist): a throwaway
 * database, AppModule on a random port, a tenant with a designer key and a flow; then it waits
 * for `stop`, closes the app and drops the database. Everything is imported by absolute URL
 * (a `data:` module has no node_modules to resolve from).
 */
const API_THREAD = `
import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const { urls, databaseUrl: serverUrlFromEnv, redisUrl, templateId } = workerData;
const send = (message) => parentPort.postMessage(message);
const stop = new Promise((resolve) => parentPort.once('message', resolve));

async function call(base, method, path, { token, body, expect }) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: 'Bearer ' + token } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(method + ' ' + path + ': expected ' + expect + ', got ' + res.status + ': ' + text.slice(0, 500));
  return text ? JSON.parse(text) : undefined;
}

const { NestFactory } = await import(urls.nestCore);
const { AppModule } = await import(urls.appModule);
const { setupApp } = await import(urls.appSetup);
const { loadConfig, DEFAULT_DATABASE_URL } = await import(urls.appConfig);
const { createLogger } = await import(urls.logger);
const { OrganizationsService } = await import(urls.organizations);
const migrate = await import(urls.migrate);

const name = 'switchboard_bench_' + process.pid + '_' + randomBytes(4).toString('hex');
const databaseUrl = migrate.withDatabaseName(serverUrlFromEnv ?? DEFAULT_DATABASE_URL, name);
let app;
let created = false;
try {
  created = await migrate.ensureDatabase(databaseUrl);
  await migrate.runMigrations(databaseUrl);
  // one API key makes every request here: the per-caller rate limit would turn the bench into 429s
  const config = loadConfig({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' });
  app = await NestFactory.create(AppModule.register(config, { logger: createLogger({ level: 'silent' }) }), {
    // throw rather than exit quietly when the API cannot start
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  setupApp(app);
  await app.listen(0, '127.0.0.1');
  const base = 'http://127.0.0.1:' + app.getHttpServer().address().port;

  // a tenant, as \`switchboard admin create-org\` makes one (no route does); the rest through the routes
  const tag = randomBytes(4).toString('hex');
  const email = 'bench-' + tag + '@bench.test';
  const password = 'bench-' + randomBytes(12).toString('base64url');
  await app.get(OrganizationsService).createOrganizationWithAdmin({ name: 'Bench ' + tag, email, password });
  const session = await call(base, 'POST', '/v1/auth/login', { body: { email, password }, expect: 200 });
  const { key } = await call(base, 'POST', '/v1/api-keys', {
    token: session.token,
    body: { name: 'bench', roles: ['designer'] },
    expect: 201,
  });
  const flow = await call(base, 'POST', '/v1/flows', { token: key, body: { templateId }, expect: 201 });
  send({
    type: 'ready',
    base,
    key,
    flowId: flow.id,
    diagnostics: flow.diagnostics.errors + ' errors, ' + flow.diagnostics.warnings + ' warnings',
  });
  await stop;
} catch (error) {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  send({ type: 'failed', error: text.replaceAll(import.meta.url, 'api-thread') });
  await stop;
} finally {
  // the load may still be running (Ctrl-C): do not wait for its connections to go idle
  app?.getHttpServer().closeAllConnections();
  await app?.close();
  if (created) await migrate.dropDatabase(databaseUrl);
  send({ type: 'stopped', dropped: created ? name : null });
}
`;

/** What the API thread tells the bench. */
type FromApi =
  | { type: 'ready'; base: string; key: string; flowId: string; diagnostics: string }
  | { type: 'failed'; error: string }
  | { type: 'stopped'; dropped?: string | null };

// ------------------------------------------------------------------ HTTP helpers

async function call<T>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; expect: number },
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  if (res.status !== options.expect) {
    throw new Error(`${method} ${path}: expected ${options.expect}, got ${res.status}: ${text.slice(0, 500)}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Target {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

interface Measured {
  target: Target;
  result: autocannon.Result;
}

/** The load running now, so that Ctrl-C can stop it before the API closes. */
let running: (Promise<autocannon.Result> & { stop?: () => void }) | undefined;

async function load(base: string, token: string, target: Target, seconds: number): Promise<autocannon.Result> {
  running = autocannon({
    url: `${base}${target.path}`,
    method: target.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(target.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(target.body === undefined ? {} : { body: target.body }),
    connections: CONNECTIONS,
    duration: seconds,
  });
  try {
    return await running;
  } finally {
    running = undefined;
  }
}

// ------------------------------------------------------------------ the bench

function buildApi(): void {
  process.stdout.write('building the API (npm run build -w @switchboard/api)… ');
  const started = performance.now();
  try {
    execFileSync('npm', ['run', '--silent', 'build', '-w', '@switchboard/api'], {
      cwd: fileURLToPath(root),
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (error) {
    // tsc reports on stdout
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`the API does not build:\n${stdout}${stderr}`.trimEnd(), { cause: error });
  }
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The API runs in a worker thread of this process: its own event loop (autocannon's work does not
 * delay it), and plain Node on the build rather than tsx, whose require hook would load a second
 * copy of @nestjs/core for the CommonJS packages (@nestjs/throttler) and break injection.
 */
function startApi(): { worker: Worker; next: () => Promise<FromApi> } {
  const dist = (file: string) => new URL(file, apiDist).href;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(API_THREAD)}`), {
    execArgv: [],
    workerData: {
      databaseUrl: process.env.DATABASE_URL,
      redisUrl: process.env.REDIS_URL,
      templateId: TEMPLATE_ID,
      urls: {
        nestCore: import.meta.resolve('@nestjs/core'),
        appModule: dist('app.module.js'),
        appSetup: dist('app.setup.js'),
        appConfig: dist('config/app-config.js'),
        logger: dist('common/logging/logger.js'),
        organizations: dist('organizations/organizations.service.js'),
        migrate: dist('database/migrate.js'),
      },
    },
  });
  const inbox: FromApi[] = [];
  const waiting: ((message: FromApi) => void)[] = [];
  const deliver = (message: FromApi) => {
    const resolve = waiting.shift();
    if (resolve) resolve(message);
    else inbox.push(message);
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'failed', error: error.stack ?? error.message }));
  worker.on('exit', () => deliver({ type: 'stopped' }));
  const next = () => {
    const queued = inbox.shift();
    return queued ? Promise.resolve(queued) : new Promise<FromApi>((resolve) => waiting.push(resolve));
  };
  return { worker, next };
}

async function main(): Promise<void> {
  const cpus = availableParallelism();
  const [load1 = 0] = loadavg();
  console.log(`api-flows: ${CONNECTIONS} connections × ${DURATION_S} s per route, on 127.0.0.1`);
  console.log(`node ${process.version}, ${cpus} CPUs, load average ${load1.toFixed(2)}\n`);
  if (load1 > cpus) {
    console.warn(`warning: the machine is busy (load ${load1.toFixed(1)} on ${cpus} CPUs): figures will be low\n`);
  }

  buildApi();
  const { worker, next } = startApi();
  let stopped: Promise<void> | undefined;
  const stopApi = (): Promise<void> =>
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
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and from bin/bench.js)
    process.on(signal, () => {
      running?.stop?.();
      void stopApi().finally(() => process.exit(130));
    });
  }

  try {
    const ready = await next();
    if (ready.type !== 'ready') {
      throw new Error(ready.type === 'failed' ? `the API did not start:\n${ready.error}` : 'the API thread ended');
    }
    const { base, key, flowId } = ready;
    console.log(`flow ${flowId} from template ${TEMPLATE_ID} (${ready.diagnostics})\n`);

    const targets: Target[] = [
      { name: 'GET /v1/flows/:id', method: 'GET', path: `/v1/flows/${flowId}` },
      { name: 'POST /v1/flows/:id/validate', method: 'POST', path: `/v1/flows/${flowId}/validate`, body: '{}' },
    ];
    const measured: Measured[] = [];
    for (const target of targets) {
      // one request first: a bench of error answers would measure the wrong thing
      await call(base, target.method, target.path, {
        token: key,
        ...(target.body === undefined ? {} : { body: JSON.parse(target.body) as unknown }),
        expect: 200,
      });
      process.stdout.write(`${target.name}: warm-up ${WARMUP_S} s, then ${DURATION_S} s… `);
      await load(base, key, target, WARMUP_S);
      const result = await load(base, key, target, DURATION_S);
      console.log('done');
      measured.push({ target, result });
    }

    console.log();
    printTable(
      ['route', 'req/s', 'p50', 'p99', 'max', 'requests', 'non-2xx', 'errors'],
      measured.map(({ target, result }) => [
        target.name,
        result.requests.average.toFixed(0),
        `${result.latency.p50} ms`,
        `${result.latency.p99} ms`,
        `${result.latency.max} ms`,
        String(result.requests.total),
        nonSuccess(result),
        String(result.errors + result.timeouts),
      ]),
    );
  } finally {
    await stopApi();
  }
}

/** `0`, or the count with its status codes (`12 (429 × 12)`). */
function nonSuccess(result: autocannon.Result): string {
  if (result.non2xx === 0) return '0';
  const stats = (result as autocannon.Result & { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats;
  const codes = Object.entries(stats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, { count }]) => `${code} × ${count}`)
    .join(', ');
  return `${result.non2xx}${codes ? ` (${codes})` : ''}`;
}

try {
  await main();
} catch (error) {
  console.error(`\napi-flows: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
