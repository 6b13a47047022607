import { validateFlowText } from '@switchboard/flow';
import { readTextFile } from '../files.js';
import { formatDiagnostic, plural, type DiagnosticView } from '../format.js';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, styleFor, type Io } from '../io.js';

export interface ValidateArgs {
  files: string[];
  json?: boolean;
}

export interface FileDiagnostics {
  file: string;
  diagnostics: DiagnosticView[];
}

/**
 * `switchboard flow validate FILE…`: the static checks of every file. Exit 1 when any
 * file has an error (warnings alone pass), 2 when a file cannot be read.
 */
export async function validateCommand(args: ValidateArgs, io: Io): Promise<number> {
  const style = styleFor(io.stdout, io.env);
  const errStyle = styleFor(io.stderr, io.env);
  const reports: FileDiagnostics[] = [];
  let unreadable = 0;

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
    const { diagnostics } = validateFlowText(text);
    reports.push({ file, diagnostics });
    if (!args.json) printFileDiagnostics(file, diagnostics, io, style);
  }

  const errors = reports.reduce((n, r) => n + countSeverity(r.diagnostics, 'error'), 0);
  const warnings = reports.reduce((n, r) => n + countSeverity(r.diagnostics, 'warning'), 0);
  if (args.json) {
    io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  } else if (args.files.length > 1 || unreadable > 0) {
    const summary = `${plural(reports.length, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    io.stdout.write(`${unreadable > 0 ? `${summary}; ${unreadable} could not be read` : summary}\n`);
  }
  if (unreadable > 0) return EXIT_USAGE;
  return errors > 0 ? EXIT_FAILED : EXIT_OK;
}

export function printFileDiagnostics(
  file: string,
  diagnostics: readonly DiagnosticView[],
  io: Io,
  style = styleFor(io.stdout, io.env),
): void {
  if (diagnostics.length === 0) {
    io.stdout.write(`${file}: ${style.green('ok')}\n`);
    return;
  }
  for (const diagnostic of diagnostics) io.stdout.write(`${formatDiagnostic(file, diagnostic, style)}\n`);
}

export function countSeverity(diagnostics: readonly DiagnosticView[], severity: string): number {
  return diagnostics.filter((d) => d.severity === severity).length;
}
