import { runScenarios, validateFlowText, type CallRecord } from '@switchboard/flow';
import { readTextFile } from '../files.js';
import { formatDiagnostic, type DiagnosticView } from '../format.js';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, styleFor, type Io } from '../io.js';

export interface TestArgs {
  files: string[];
  json?: boolean;
  /** call real HTTP tools instead of failing the ones a scenario does not mock */
  httpTools?: boolean;
}

export interface ScenarioReport {
  name: string;
  passed: boolean;
  failures: string[];
  /** the call, for a failed scenario (to see what happened) */
  record?: CallRecord;
}

export interface FileTestReport {
  file: string;
  diagnostics: DiagnosticView[];
  scenarios: ScenarioReport[];
  /** why the file failed as a whole: invalid flow, no scenarios, the runner crashed */
  error?: string;
}

export interface TestReport {
  passed: number;
  failed: number;
  files: FileTestReport[];
}

/**
 * `switchboard flow test FILE…`: validates each flow, then runs the scenarios it carries.
 * An invalid flow, a flow without scenarios and a crashing run each count as one failure.
 */
export async function testCommand(args: TestArgs, io: Io): Promise<number> {
  const style = styleFor(io.stdout, io.env);
  const errStyle = styleFor(io.stderr, io.env);
  const report: TestReport = { passed: 0, failed: 0, files: [] };
  let unreadable = 0;

  const pass = (line: string): void => {
    report.passed++;
    if (!args.json) io.stdout.write(`${style.green('✓')} ${line}\n`);
  };
  const fail = (line: string, details: readonly string[]): void => {
    report.failed++;
    if (args.json) return;
    io.stdout.write(`${style.red('✗')} ${line}\n`);
    for (const detail of details) io.stdout.write(`    ${detail}\n`);
  };

  for (const file of args.files) {
    let text: string;
    try {
      text = await readTextFile(file, 'flow file');
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      unreadable++;
      io.stderr.write(`${errStyle.red('error')} ${error.message}\n`);
      continue;
    }

    const validation = validateFlowText(text);
    const fileReport: FileTestReport = { file, diagnostics: validation.diagnostics, scenarios: [] };
    report.files.push(fileReport);
    const flow = validation.flow;
    if (!validation.ok || flow === undefined) {
      fileReport.error = 'the flow has errors';
      const errors = validation.diagnostics.filter((d) => d.severity === 'error');
      fail(
        `${file} › ${style.bold('invalid flow')}`,
        errors.map((d) => formatDiagnostic(file, d, style)),
      );
      continue;
    }
    if (flow.tests.length === 0) {
      fileReport.error = 'the flow has no scenarios';
      fail(`${file} › ${style.bold('no scenarios')}`, ['add at least one scenario to "tests" (see FLOW-LANGUAGE.md)']);
      continue;
    }

    let results;
    try {
      results = await runScenarios(flow, { httpTools: args.httpTools === true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      fileReport.error = `the scenarios could not run: ${message}`;
      fail(`${file} › ${style.bold('scenarios could not run')}`, [message]);
      continue;
    }
    for (const result of results) {
      const scenario: ScenarioReport = { name: result.name, passed: result.passed, failures: result.failures };
      if (!result.passed) scenario.record = result.record;
      fileReport.scenarios.push(scenario);
      if (result.passed) pass(`${file} › ${result.name}`);
      else fail(`${file} › ${result.name}`, result.failures.length > 0 ? result.failures : ['failed']);
    }
  }

  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`\n${report.passed} passed, ${report.failed} failed\n`);
  if (unreadable > 0) return EXIT_USAGE;
  return report.failed > 0 ? EXIT_FAILED : EXIT_OK;
}
