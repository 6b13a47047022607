import type { Command } from 'commander';
import { readTextFile } from '../files.js';
import { CliError, EXIT_OK, EXIT_USAGE, processIo, styleFor, type Io } from '../io.js';

/** Where an action leaves its exit code for `main` (the flow commands' ExitCodeSink). */
interface ExitCodeSink {
  exitCode: number;
}

/**
 * `switchboard compliance …`. Without a sink (e.g. `registerComplianceCommands(program)`)
 * the action sets `process.exitCode`. The compliance library is loaded on first use, so
 * `--help` does not pay for it.
 */
export function registerComplianceCommands(program: Command, io: Io = processIo(), sink?: ExitCodeSink): void {
  const compliance = program
    .command('compliance')
    .description('judge calls against the TCPA/DNC rule set (COMPLIANCE.md)')
    .helpCommand(false);

  compliance
    .command('evaluate')
    .description('evaluate one call: read the input JSON, print the decision JSON (exit 0 whatever the outcome)')
    .argument('<file>', 'the input JSON ({ "request", "facts" }), or - to read it from stdin')
    .option('--compact', 'print the decision on one line')
    .addHelpText(
      'after',
      "\nExit codes: 0 a decision was printed; 2 the input could not be read or is not the contract's shape.",
    )
    .action(async (file: string, options: { compact?: boolean }) => {
      const code = await evaluateCommand({ file, compact: options.compact === true }, io);
      if (sink === undefined) process.exitCode = code;
      else sink.exitCode = code;
    });
}

export interface EvaluateArgs {
  /** a path, or `-` for stdin */
  file: string;
  compact?: boolean;
}

/**
 * `switchboard compliance evaluate FILE|-`: prints the decision as JSON and returns 0, or
 * says on stderr what is wrong with the input (each bad field by its path) and returns 2.
 */
export async function evaluateCommand(args: EvaluateArgs, io: Io): Promise<number> {
  const style = styleFor(io.stderr, io.env);
  const source = args.file === '-' ? 'stdin' : args.file;
  const fail = (message: string): number => {
    io.stderr.write(`${style.red('error:')} ${message}\n`);
    return EXIT_USAGE;
  };

  let text: string;
  try {
    text = args.file === '-' ? await readAll(io.stdin) : await readTextFile(args.file, 'input file');
  } catch (error) {
    if (error instanceof CliError) return fail(error.message);
    throw error;
  }
  if (text.trim() === '') return fail(`${source}: is empty; expected the input JSON { "request", "facts" }`);

  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    return fail(`${source}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }

  const { evaluateParsed, parseComplianceInput } = await import('@switchboard/compliance');
  const parsed = parseComplianceInput(json);
  if (!parsed.success) {
    const { issues } = parsed.error;
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n');
    return fail(
      `${source}: not a valid compliance input (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${lines}`,
    );
  }

  const decision = evaluateParsed(parsed.data);
  io.stdout.write(`${args.compact === true ? JSON.stringify(decision) : JSON.stringify(decision, null, 2)}\n`);
  return EXIT_OK;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
