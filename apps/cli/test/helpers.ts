import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Io } from '../src/io.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface FakeIo extends Io {
  out(): string;
  err(): string;
}

/** In-memory terminal: stdin holds the given lines (then EOF), stdout/stderr are captured. */
export function fakeIo(stdinLines: readonly string[] = []): FakeIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    stdin: Readable.from(stdinLines.map((line) => `${line}\n`)),
    env: {},
    out: () => out,
    err: () => err,
  };
}
