import { CommanderError } from 'commander';
import { CliError, EXIT_OK, EXIT_USAGE, isDebug, processIo, styleFor, type Io } from './io.js';
import { createProgram } from './program.js';

/**
 * Runs `switchboard ARGS…` and resolves to the exit code. Never throws and never prints a
 * stack trace unless DEBUG=switchboard: a usage error is a message and exit 2, a failed
 * check exit 1, anything unexpected one line and exit 2.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const sink = { exitCode: EXIT_OK };
  try {
    const program = createProgram(io, sink);
    await program.parseAsync([...argv], { from: 'user' });
    return sink.exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: Io): number {
  const style = styleFor(io.stderr, io.env);
  if (error instanceof CommanderError) {
    // commander has printed its message (and the help hint); --help and --version exit 0
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof CliError) {
    io.stderr.write(`${style.red('error:')} ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isDebug(io.env)) {
    io.stderr.write(`${style.red('error:')} ${error instanceof Error ? (error.stack ?? message) : message}\n`);
  } else {
    io.stderr.write(
      `${style.red('error:')} ${firstLine(message)} ${style.dim('(run with DEBUG=switchboard for details)')}\n`,
    );
  }
  return EXIT_USAGE;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
