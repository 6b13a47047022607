/**
 * `npm run test:reliability`: the reliability scenarios of issue 5, scripted and repeatable.
 *
 *   npm run test:reliability [-- --only a,c] [--no-build] [--recovery-timeout S]
 *
 *   a. SIGKILL the worker in the middle of the work, start a new one
 *   b. kill Redis and restart it (empty) in the middle of the work
 *   c. stop Postgres (a private cluster): fail closed, 503s, recovery
 *   d. revoke consent / add to the internal DNC while calls are queued
 *
 * Builds once (`tsc -b apps/api apps/agent`), then each scenario runs the BUILT API and workers as
 * child processes on private services: its own redis-server on a free port, its own database on
 * the shared Postgres (DATABASE_URL's server), and for (c) its own PostgreSQL cluster. Nothing
 * shared is stopped. Prints a line of figures per scenario and a summary table; exits 1 on any
 * violation. The processes' logs stay in a temp folder (printed) for post-mortems.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable } from '../../bench/lib/report.js';
import { comingWorkday } from './lib/calls.js';
import { buildProduct } from './lib/product.js';
import { dropOrphanDatabases, runCleanups } from './lib/services.js';
import { SCENARIOS, type ScenarioContext, type ScenarioResult } from './scenarios.js';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/switchboard';

/**
 * Settings of the API in every scenario. A short lease so that a call whose worker died is given
 * up within seconds rather than a minute (the API caps what the worker asks for).
 */
const API_ENV: Record<string, string> = {
  CALL_LEASE_SECONDS: '10',
  // noon in New York on a coming workday: every 212 number is inside its calling window whatever
  // the hour of the real day (the harness calls New York numbers only)
  NODE_ENV: 'test',
  CLOCK_START: comingWorkday(12).toISOString(),
};

function argument(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<number> {
  const only = (argument('--only') ?? Object.keys(SCENARIOS).join(','))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = only.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${Object.keys(SCENARIOS).join(', ')})`);
  const recoveryTimeoutS = Number(argument('--recovery-timeout') ?? 90);

  const serverUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const logDir = mkdtempSync(join(tmpdir(), 'switchboard-reliability-'));
  console.log(`reliability: scenarios ${only.join(', ')}; logs in ${logDir}\n`);
  if (!process.argv.includes('--no-build')) {
    process.stdout.write('building the API and the worker (tsc -b apps/api apps/agent)… ');
    // a type error in another feature's work in progress need not stop the run
    console.log(`${buildProduct({ tolerateTypeErrors: true }).toFixed(1)} s`);
  }
  await dropOrphanDatabases(serverUrl);

  const results: ScenarioResult[] = [];
  const runStarted = Date.now();
  for (const name of only) {
    const scenario = SCENARIOS[name];
    if (!scenario) continue;
    const started = Date.now();
    const context: ScenarioContext = {
      serverUrl,
      logDir,
      apiEnv: API_ENV,
      recoveryTimeoutS,
      log: (text) => console.log(`  [${name} +${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`),
    };
    console.log(`\nscenario ${name}`);
    let result: ScenarioResult;
    try {
      result = await scenario(context);
    } catch (error) {
      result = {
        name,
        contacts: 0,
        finalStates: '—',
        duplicates: 0,
        finishS: null,
        recoverS: null,
        violations: [
          `the scenario could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ],
        notes: [],
      };
    }
    results.push(result);
    console.log(
      `${result.name}: contacts ${result.contacts}, final states: ${result.finalStates}, duplicates ${result.duplicates}, ` +
        `time to finish ${result.finishS ?? '—'} s, time to recover ${result.recoverS ?? '—'} s ` +
        `(${((Date.now() - started) / 1000).toFixed(0)} s with set-up)`,
    );
    for (const note of result.notes) console.log(`  · ${note}`);
    for (const violation of result.violations) console.log(`  ✗ ${violation}`);
  }

  console.log();
  printTable(
    ['scenario', 'contacts', 'final states', 'duplicates', 'finish', 'recover', 'result'],
    results.map((result) => [
      result.name,
      String(result.contacts),
      result.finalStates,
      String(result.duplicates),
      result.finishS === null ? '—' : `${result.finishS} s`,
      result.recoverS === null ? '—' : `${result.recoverS} s`,
      result.violations.length === 0 ? 'PASS' : `FAIL (${result.violations.length})`,
    ]),
    ['left', 'right', 'left', 'right', 'right', 'right', 'left'],
  );
  const failed = results.filter((result) => result.violations.length > 0).length;
  console.log(
    `\n${results.length - failed} passed, ${failed} failed in ${((Date.now() - runStarted) / 1000).toFixed(0)} s; logs: ${logDir}`,
  );
  return failed === 0 ? 0 : 1;
}

// Ctrl-C: the API and workers are in our process group and die with us; the private cluster is not
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void runCleanups().finally(() => process.exit(130)));
}
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`\nreliability: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
