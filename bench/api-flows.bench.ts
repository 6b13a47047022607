/**
 * The HTTP API under load: `GET /v1/flows/:id` and `POST /v1/flows/:id/validate`, driven by
 * autocannon over 127.0.0.1 against the real AppModule (auth and rate-limit guards, validation,
 * Postgres, Redis, logging at level silent).
 *
 *   npm run bench -- api-flows [--duration S] [--connections N]
 *
 * The bench builds the API and starts it in a worker thread of this process (bench/lib/api-thread.ts:
 * a throwaway database, AppModule on a random port, an organisation and a designer API key), then
 * creates a flow from an example template. Each route is checked to answer 200, warmed up for 2 s, then loaded for `--duration`
 * seconds (default 10) from this thread. The database is dropped at the end, on failure and on
 * Ctrl-C too.
 *
 * Prints requests/s, latency p50/p99/max and the answers that were not 2xx; exits 0 unless the
 * bench itself could not run. No goals yet: the figures are a baseline to compare changes with.
 * The machine's load average is printed with them: on a shared machine they vary a lot.
 */
import { availableParallelism, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { buildApi, onInterrupt, startApiThread } from './lib/api-thread.js';
import { call, nonSuccess } from './lib/load.js';
import { numberArg, printTable } from './lib/report.js';

const DURATION_S = numberArg('--duration', 10);
const CONNECTIONS = numberArg('--connections', 10);
const WARMUP_S = 2;
const TEMPLATE_ID = 'appointment-reminder';

// ------------------------------------------------------------------ the API thread

/** In the API thread (bench/lib/api-thread.ts), after the shared set-up: a flow from an example template. */
const PLUGIN = `
export async function ready(ctx) {
  const flow = await ctx.call('POST', '/v1/flows', { body: { templateId: ${JSON.stringify(TEMPLATE_ID)} }, expect: 201 });
  return { flowId: flow.id, diagnostics: flow.diagnostics.errors + ' errors, ' + flow.diagnostics.warnings + ' warnings' };
}
`;

// ------------------------------------------------------------------ HTTP helpers

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

async function main(): Promise<void> {
  const cpus = availableParallelism();
  const [load1 = 0] = loadavg();
  console.log(`api-flows: ${CONNECTIONS} connections × ${DURATION_S} s per route, on 127.0.0.1`);
  console.log(`node ${process.version}, ${cpus} CPUs, load average ${load1.toFixed(2)}\n`);
  if (load1 > cpus) {
    console.warn(`warning: the machine is busy (load ${load1.toFixed(1)} on ${cpus} CPUs): figures will be low\n`);
  }

  buildApi();
  let api: Awaited<ReturnType<typeof startApiThread<{ flowId: string; diagnostics: string }>>> | undefined = undefined;
  onInterrupt(async () => {
    running?.stop?.();
    await api?.stop();
  });
  api = await startApiThread<{ flowId: string; diagnostics: string }>({ roles: ['designer'], plugin: PLUGIN });

  try {
    const { base, key, flowId, diagnostics } = api.ready;
    console.log(`flow ${flowId} from template ${TEMPLATE_ID} (${diagnostics})\n`);

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
    await api.stop();
  }
}

try {
  await main();
} catch (error) {
  console.error(`\napi-flows: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
