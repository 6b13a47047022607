import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAdminCommands } from './commands/admin.js';
import { registerComplianceCommands } from './commands/compliance.js';
import { registerFlowCommands, type ExitCodeSink } from './commands/flow.js';
import type { Io } from './io.js';

/** The `switchboard` command tree, writing to `io` and throwing instead of exiting. */
export function createProgram(io: Io, sink: ExitCodeSink): Command {
  const program = new Command('switchboard')
    .description('Switchboard: declarative workflows for AI voice-agent phone calls')
    .version(readVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(text),
    });
  registerFlowCommands(program, io, sink);
  registerComplianceCommands(program, io, sink);
  registerAdminCommands(program, io, sink);
  return program;
}

function readVersion(): string {
  // ../package.json from both src/ (tsx, vitest) and dist/ (a build)
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
