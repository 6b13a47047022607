import { Option, type Command } from 'commander';
import type { Io } from '../io.js';

/** How the call was answered (the `start` node's outcomes); kept in step with the flow library's ANSWERED_BY. */
export const ANSWERED_BY_CHOICES = ['human', 'voicemail', 'no_answer', 'busy', 'failed'] as const;

/** The result of a command's action, read by `main` once commander returns. */
export interface ExitCodeSink {
  exitCode: number;
}

/**
 * `switchboard flow …`. Each action loads its module on first use, so `--help` and the
 * other commands do not pay for the flow runtime they do not need.
 */
export function registerFlowCommands(program: Command, io: Io, sink: ExitCodeSink): void {
  const flow = program
    .command('flow')
    .description('validate, test and run flow documents (*.flow.json)')
    .helpCommand(false);

  flow
    .command('validate')
    .description('check flow documents; exit 1 when any has an error (warnings alone pass)')
    .argument('<file...>', 'flow documents to check')
    .option('--json', 'print [{ "file", "diagnostics" }] as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      const { validateCommand } = await import('./flow-validate.js');
      sink.exitCode = await validateCommand({ files, json: options.json === true }, io);
    });

  flow
    .command('test')
    .description("run each flow's scenarios; exit 1 when any fails")
    .argument('<file...>', 'flow documents to test')
    .option('--json', 'print the results as JSON')
    .option('--http-tools', 'call real HTTP tools instead of failing the ones a scenario does not mock')
    .action(async (files: string[], options: { json?: boolean; httpTools?: boolean }) => {
      const { testCommand } = await import('./flow-test.js');
      sink.exitCode = await testCommand(
        { files, json: options.json === true, httpTools: options.httpTools === true },
        io,
      );
    });

  flow
    .command('run')
    .description('hold a simulated call in the terminal: you play the callee')
    .argument('<file>', 'the flow document')
    .option('--vars <json>', 'input variables as a JSON object, e.g. \'{"first_name": "Ana"}\'')
    .addOption(new Option('--answered-by <who>', 'how the call is answered').choices(ANSWERED_BY_CHOICES))
    .option('--callee <file>', 'a JSON array of callee turns to play instead of reading stdin')
    .option('--now <iso>', 'start time of the simulated clock (ISO 8601)')
    .option('--json', 'print only the call record, as JSON')
    .option('--http-tools', 'call real HTTP tools')
    .addHelpText(
      'after',
      '\nWhile the call runs: type what the callee says; /dtmf 9 presses keys, /silence stays quiet,\n' +
        '/hangup hangs up (so does Ctrl-D), /vars prints the variables, /help lists the commands.',
    )
    .action(
      async (
        file: string,
        options: {
          vars?: string;
          answeredBy?: string;
          callee?: string;
          now?: string;
          json?: boolean;
          httpTools?: boolean;
        },
      ) => {
        const { runCommand } = await import('./flow-run.js');
        sink.exitCode = await runCommand({ file, ...options, json: options.json === true }, io);
      },
    );
}
