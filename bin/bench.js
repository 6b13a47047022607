#!/usr/bin/env node
// `npm run bench -- NAME [ARGS…]` runs bench/NAME.bench.ts from the TypeScript sources:
// a fresh node with tsx, the `source` export condition (workspace packages resolve to
// src/, no build needed) and --expose-gc (benches measure heap after a forced GC).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benchDir = new URL('../bench/', import.meta.url);
const SUFFIX = '.bench.ts';
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith(SUFFIX))
  .map((file) => file.slice(0, -SUFFIX.length))
  .sort();

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || !available.includes(name)) {
  if (name !== undefined) process.stderr.write(`unknown bench "${name}"\n`);
  process.stderr.write(
    `usage: npm run bench -- NAME\navailable benches:\n${available.map((bench) => `  ${bench}`).join('\n')}\n`,
  );
  process.exit(2);
}

const child = spawn(
  process.execPath,
  [
    '--expose-gc',
    '--conditions=source',
    '--import',
    import.meta.resolve('tsx'),
    fileURLToPath(new URL(`${name}${SUFFIX}`, benchDir)),
    ...rest,
  ],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
