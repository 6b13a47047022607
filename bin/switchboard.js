#!/usr/bin/env node
// The `switchboard` command. It runs the CLI straight from the TypeScript sources, so it
// works right after `npm ci` with no build step:
//  - a resolve hook makes `@switchboard/*` workspace packages resolve through their
//    `source` export condition (src/index.ts) instead of `default` (dist/, which may not exist);
//  - tsx's ESM loader compiles the TypeScript on the fly (cached on disk between runs).
// Registering both in-process (rather than re-executing node with
// `--conditions=source --import tsx`) saves a second process start.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

// Only our own packages get the `source` condition: a third-party package that happens to
// declare one must keep resolving to what it publishes.
const sourceConditionHook = `
export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith('@switchboard/') && !context.conditions.includes('source')) {
    return nextResolve(specifier, { ...context, conditions: ['source', ...context.conditions] });
  }
  return nextResolve(specifier, context);
}`;

// Hooks chain last-registered-first: tsx resolves first and defers to this hook, which
// sits next to Node's own resolver.
register(`data:text/javascript,${encodeURIComponent(sourceConditionHook)}`);
registerTsx();

// `switchboard … | head` closes the pipe early: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const { main } = await import('../apps/cli/src/main.ts');
process.exitCode = await main(process.argv.slice(2));
