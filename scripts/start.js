#!/usr/bin/env node
// `npm start`: from a fresh clone to the running product (API, call worker, editor) in one command.
//   1. reads .env when there is one (variables already set win), else the local defaults;
//   2. checks that PostgreSQL and Redis answer, and says how to start them when they do not;
//   3. builds the API and the worker (`tsc -b apps/api apps/agent`, their libraries first);
//   4. creates the database if it is missing and applies the migrations (an explicit step);
//   5. seeds a demo organisation with the example flows on first start (an explicit step too);
//   6. builds the editor, which the API serves at /;
//   7. starts the API, then the call worker (simulated callee unless LiveKit is configured), and
//      prints where it listens and how to sign in.
// `npm run dev` (--dev) does the same but runs the API under `nest start --watch`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const API = join(ROOT, 'apps/api');
const require = createRequire(import.meta.url);
const dev = process.argv.includes('--dev');

const DEFAULTS = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PORT: '3000',
};

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const step = (text) => console.log(`${paint('36', '▸')} ${text}`);
const ok = (text) => console.log(`${paint('32', '✓')} ${text}`);
const fail = (text) => console.error(`${paint('31', '✗')} ${text}`);

function loadEnv() {
  const file = join(ROOT, '.env');
  if (existsSync(file)) {
    process.loadEnvFile(file);
    step('read .env');
  }
  for (const [name, value] of Object.entries(DEFAULTS)) {
    if (!process.env[name]) process.env[name] = value;
  }
}

function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Opens a TCP connection; for Redis also sends PING. Resolves to undefined when it answered, else the reason. */
function probe(url, defaultPort, { ping = false, timeoutMs = 2_000 } = {}) {
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port || defaultPort) });
    const done = (reason) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.on('error', (error) => done(error.code ?? error.message));
    socket.on('connect', () => {
      // TLS Redis (rediss://) would need a handshake first: an open port is enough here.
      if (!ping || protocol === 'rediss:') return done(undefined);
      socket.write('PING\r\n');
    });
    // +PONG, or -NOAUTH when a password is needed: either way a Redis server answered.
    socket.on('data', (data) => done(/^[+-]/.test(data.toString()) ? undefined : 'not a Redis server'));
  });
}

/** Runs a command and resolves to its stdout (stderr passes through). */
function capture(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve(out) : reject(new Error(`${[command, ...args].join(' ')} exited with ${signal ?? code}`)),
    );
  });
}

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: process.env, ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${[command, ...args].join(' ')} exited with ${signal ?? code}`)),
    );
  });
}

async function checkServices() {
  step('checking PostgreSQL and Redis');
  const [postgres, redis] = await Promise.all([
    probe(process.env.DATABASE_URL, 5432),
    probe(process.env.REDIS_URL, 6379, { ping: true }),
  ]);
  if (!postgres) ok(`PostgreSQL answers at ${redact(process.env.DATABASE_URL)}`);
  else fail(`PostgreSQL does not answer at ${redact(process.env.DATABASE_URL)} (${postgres})`);
  if (!redis) ok(`Redis answers at ${redact(process.env.REDIS_URL)}`);
  else fail(`Redis does not answer at ${redact(process.env.REDIS_URL)} (${redis})`);
  if (!postgres && !redis) return true;

  const services = [postgres && 'postgres', redis && 'redis'].filter(Boolean).join(' ');
  console.error(`
Start ${postgres && redis ? 'them' : 'it'}, then run npm start again. Either:

  with Docker:
    docker compose up -d ${services}
${
  postgres
    ? `
  or with PostgreSQL installed locally (Debian/Ubuntu):
    sudo pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
`
    : ''
}${
    redis
      ? `
  or with Redis installed locally:
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
`
      : ''
  }
  or point DATABASE_URL / REDIS_URL at servers you already run (copy .env.example to .env).
`);
  return false;
}

function portInUse(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => resolve(error.code === 'EADDRINUSE'));
    server.once('listening', () => server.close(() => resolve(false)));
    server.listen(Number(port));
  });
}

async function waitForHealth(url, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return response.status;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  return undefined;
}

async function main() {
  loadEnv();
  if (!(await checkServices())) {
    process.exitCode = 1;
    return;
  }

  const port = process.env.PORT;
  if (await portInUse(port)) {
    fail(`port ${port} is already in use: stop what runs there, or set PORT (e.g. PORT=3001 npm start)`);
    process.exitCode = 1;
    return;
  }

  // the API and the worker share one secret for /internal/*; a fresh one per start unless given
  if (!process.env.WORKER_TOKEN) process.env.WORKER_TOKEN = randomBytes(24).toString('base64url');

  step('building the API and the call worker (tsc -b apps/api apps/agent)');
  await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'apps/api', 'apps/agent']);
  if (!dev) {
    step('building the editor (vite build), served by the API at /');
    await run('npm', ['run', 'build', '-w', '@switchboard/editor', '--silent']);
  }

  step('creating the database if missing, applying migrations');
  const migrate = join(API, 'dist/database/migrate.js');
  await run(process.execPath, [migrate, 'create']);
  await run(process.execPath, [migrate, 'run']);

  step('seeding the demo organisation (first start only)');
  const seedOutput = await capture(process.execPath, [join(API, 'dist/cli/seed-demo.js')]);
  const demo = JSON.parse(seedOutput.trim().split('\n').at(-1));
  ok(
    demo.created
      ? `created "${demo.organization}" with ${demo.flows} published example flows`
      : 'the demo organisation exists',
  );

  step(dev ? 'starting the API in watch mode (nest start api --watch)' : 'starting the API');
  const command = dev
    ? [require.resolve('@nestjs/cli/bin/nest.js'), 'start', 'api', '--watch', '--preserveWatchOutput']
    : [join(API, 'dist/main.js')];
  const api = spawn(process.execPath, command, { cwd: ROOT, stdio: 'inherit', env: process.env });

  let worker;
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopping = true;
      worker?.kill(signal);
      api.kill(signal);
    });
  }
  api.on('exit', (code, signal) => {
    if (!stopping && code !== 0) fail(`the API stopped (${signal ?? `exit code ${code}`})`);
    worker?.kill('SIGTERM');
    process.exit(stopping ? 0 : (code ?? 1));
  });

  const base = `http://localhost:${port}`;
  const status = await waitForHealth(`${base}/health`, api, dev ? 90_000 : 30_000);
  if (status === undefined) return;

  step('starting the call worker (apps/agent)');
  worker = spawn(process.execPath, [join(ROOT, 'apps/agent/dist/main.js')], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, API_URL: `http://127.0.0.1:${port}` },
  });
  worker.on('exit', (code, signal) => {
    if (stopping) return;
    fail(`the call worker stopped (${signal ?? `exit code ${code}`}); stopping the API too`);
    stopping = true;
    api.kill('SIGTERM');
  });
  console.log(`
${paint('1', 'Switchboard API')} ${status === 200 ? paint('32', 'is up') : paint('33', `answers /health with ${status}`)}
  editor:  ${base}/${dev ? '  (dev: run `npm run dev -w @switchboard/editor` for the editor)' : ''}
  API:     ${base}/v1
  docs:    ${base}/docs
  health:  ${base}/health
  worker:  running (${process.env.LIVEKIT_URL ? 'LiveKit' : 'simulated callee: no telephony configured'})

${paint('1', 'Demo sign-in')} (organisation "${demo.organization}")
  email:    ${demo.email}
  password: ${demo.password ?? (process.env.DEMO_PASSWORD ? '(your DEMO_PASSWORD)' : 'switchboard-demo')}
${
  demo.apiKey
    ? `  API key:  ${demo.apiKey}   ${paint('33', '(shown once: keep it)')}
  try:      curl -H "Authorization: Bearer ${demo.apiKey}" ${base}/v1/flows`
    : `  API key:  shown at the first start; sign in and create one with POST /v1/api-keys
  try:      curl -s -X POST ${base}/v1/auth/login -H 'content-type: application/json' \\
              -d '{"email":"${demo.email}","password":"…"}'`
}
${
  demo.created
    ? `
${paint('1', 'A first call')} (the demo has an owned caller id ${demo.callerId} and a consented callee ${demo.callee}):
  curl -X POST ${base}/v1/calls -H "Authorization: Bearer ${demo.apiKey}" -H 'content-type: application/json' \\
    -d '{"to":"${demo.callee}","callerId":"${demo.callerId}","flowId":"<id of "Appointment reminder" in GET /v1/flows>",
         "variables":{"first_name":"Ana","appointment_at":"2026-12-01T15:00:00Z"}}'
  then GET ${base}/v1/calls/<id> shows its status, path and transcript (the gate defers it outside 8:00–21:00 New York).
`
    : ''
}Stop it with Ctrl+C.
`);
}

main().catch((error) => {
  fail(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
