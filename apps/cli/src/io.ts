/**
 * The terminal, as a port: commands write to these streams and read from `stdin`, never
 * from `process` directly, so tests drive them in-process with fake streams.
 */
export interface Output {
  write(chunk: string): unknown;
  /** a TTY gets colour; pipes and files do not */
  isTTY?: boolean;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream;
  /** environment variables (NO_COLOR, FORCE_COLOR, DEBUG); defaults to process.env */
  env?: Record<string, string | undefined>;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Exit codes: 0 ok, 1 a check or test failed, 2 the command could not run as asked. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error meant for the person at the terminal: printed as one line, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface Style {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain: Style = {
  red: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
  bold: (t) => t,
  dim: (t) => t,
};

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const ansi: Style = {
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  bold: sgr(1, 22),
  dim: sgr(2, 22),
};

/** Colour only on a TTY; NO_COLOR turns it off and FORCE_COLOR on (https://no-color.org). */
export function styleFor(output: Output, env: Record<string, string | undefined> = process.env): Style {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return ansi;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return plain;
  return output.isTTY === true ? ansi : plain;
}

export function isDebug(env: Record<string, string | undefined> = process.env): boolean {
  return (env['DEBUG'] ?? '').split(/[\s,]+/).some((name) => name === 'switchboard' || name === '*');
}
