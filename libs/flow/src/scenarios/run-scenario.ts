import type { CallRecord } from '../runtime/types.js';
import { missingInputVariables } from '../runtime/values.js';
import type { FlowDocument, Scenario } from '../schema/index.js';
import { scriptedCallee, simulateCall } from '../simulator/simulate.js';
import { HttpToolRunner, ScenarioToolRunner } from '../simulator/tools.js';

/** Scenarios start on a fixed instant (a Tuesday, 10:00 in New York) so runs are reproducible. */
export const SCENARIO_EPOCH = '2026-03-10T14:00:00.000Z';

export interface ScenarioResult {
  name: string;
  passed: boolean;
  /** one line per expectation that was not met */
  failures: string[];
  record: CallRecord;
}

export interface ScenarioOptions {
  /** call real HTTP tools that the scenario does not mock */
  httpTools?: boolean;
  secrets?: Record<string, string>;
}

export async function runScenario(
  flow: FlowDocument,
  scenario: Scenario,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const variables = scenario.variables ?? {};
  const failures: string[] = [];
  const missing = missingInputVariables(flow, variables);
  if (missing.length > 0) failures.push(`variables: missing required input ${missing.map((m) => `"${m}"`).join(', ')}`);
  const record = await simulateCall(flow, {
    variables,
    answeredBy: scenario.answeredBy,
    callee: scriptedCallee(scenario.callee),
    tools: new ScenarioToolRunner(scenario.tools ?? {}, options.httpTools ? new HttpToolRunner() : null),
    transfer: scenario.transfer ?? 'connected',
    now: scenario.now ?? SCENARIO_EPOCH,
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  failures.push(...compare(scenario, record));
  return { name: scenario.name, passed: failures.length === 0, failures, record };
}

export async function runScenarios(flow: FlowDocument, options: ScenarioOptions = {}): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of flow.tests) results.push(await runScenario(flow, scenario, options));
  return results;
}

/** What differs between a scenario's expectations and a call record, in readable lines. */
export function compare(scenario: Scenario, record: CallRecord): string[] {
  const expect = scenario.expect;
  const failures: string[] = [];
  if (expect.disposition !== undefined && expect.disposition !== record.disposition)
    failures.push(
      `disposition: expected ${JSON.stringify(expect.disposition)}, got ${JSON.stringify(record.disposition)}`,
    );
  if (expect.optedOut !== undefined && expect.optedOut !== record.optedOut)
    failures.push(`optedOut: expected ${expect.optedOut}, got ${record.optedOut}`);
  if (expect.path !== undefined) {
    const diff = pathDifference(expect.path, record.path);
    if (diff) failures.push(diff);
  }
  for (const [name, expected] of Object.entries(expect.variables ?? {})) {
    const actual = record.variables[name];
    if (!sameValue(expected, actual))
      failures.push(`variables.${name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual ?? null)}`);
  }
  const agentLines = record.transcript.filter((l) => l.speaker === 'agent').map((l) => l.text);
  for (const pattern of expect.said ?? []) {
    if (!agentLines.some((line) => matches(pattern, line)))
      failures.push(`said: nothing the agent said matches ${JSON.stringify(pattern)}`);
  }
  for (const pattern of expect.notSaid ?? []) {
    const line = agentLines.find((l) => matches(pattern, l));
    if (line !== undefined) failures.push(`notSaid: the agent said ${JSON.stringify(line)}`);
  }
  return failures;
}

function pathDifference(expected: string[], actual: string[]): string | null {
  const length = Math.max(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    if (expected[i] !== actual[i]) {
      return `path: expected [${expected.join(' → ')}], got [${actual.join(' → ')}] (first difference at step ${i + 1}: expected ${
        expected[i] ?? 'the end'
      }, got ${actual[i] ?? 'the end'})`;
    }
  }
  return null;
}

/** `said` entries are case-insensitive substrings, or `/regex/flags` */
export function matches(pattern: string, text: string): boolean {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (regex) {
    try {
      return new RegExp(regex[1]!, regex[2]).test(text);
    } catch {
      return false;
    }
  }
  return text.toLowerCase().includes(pattern.toLowerCase());
}

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** deep equality; two ISO datetimes are equal when they are the same instant */
export function sameValue(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected === 'string' && typeof actual === 'string') {
    return ISO_DATETIME.test(expected) && ISO_DATETIME.test(actual) && Date.parse(expected) === Date.parse(actual);
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) && expected.length === actual.length && expected.every((v, i) => sameValue(v, actual[i]))
    );
  }
  if (expected && typeof expected === 'object' && actual && typeof actual === 'object' && !Array.isArray(actual)) {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
    return [...keys].every((k) => sameValue(e[k], a[k]));
  }
  return false;
}
