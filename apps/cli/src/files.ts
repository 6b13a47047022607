import { readFile, stat } from 'node:fs/promises';
import { CliError, EXIT_USAGE } from './io.js';

/**
 * Reads a file named on the command line as UTF-8 text. Whatever goes wrong becomes a
 * CliError (exit 2) saying what the person can fix, never an errno stack trace.
 */
export async function readTextFile(file: string, what = 'file'): Promise<string> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new CliError(`${file}: is a directory, not a ${what}`, EXIT_USAGE);
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${file}: ${describeFsError(error, what)}`, EXIT_USAGE);
  }
}

function describeFsError(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `no such ${what}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied (cannot read the ${what})`;
    case 'EISDIR':
      return `is a directory, not a ${what}`;
    case 'ENOTDIR':
      return `no such ${what} (a parent of the path is not a directory)`;
    default:
      return `cannot read the ${what}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Parses JSON given on the command line or in a file; `source` names it in the error. */
export function parseJsonArgument(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`${source} is not valid JSON: ${reason}`, EXIT_USAGE);
  }
}
