import {
  ANSWERED_BY,
  CalleeTurnSchema,
  missingInputVariables,
  scriptedCallee,
  simulateCall,
  validateFlowText,
  type AnsweredBy,
  type CallEvent,
  type Callee,
  type CalleeTurn,
  type FlowDocument,
  type ListenRequest,
} from '@switchboard/flow';
import { parseJsonArgument, readTextFile } from '../files.js';
import { formatDiagnostic, formatValue } from '../format.js';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, styleFor, type Io, type Output, type Style } from '../io.js';
import { TerminalCallee } from './terminal-callee.js';

export interface RunArgs {
  file: string;
  /** the call's input variables, as a JSON object */
  vars?: string;
  answeredBy?: string;
  /** a JSON file holding an array of callee turns: a scripted run, no stdin */
  callee?: string;
  /** the simulated clock's start, ISO 8601 */
  now?: string;
  json?: boolean;
  httpTools?: boolean;
}

/**
 * `switchboard flow run FILE`: one simulated call in the terminal, with the person at the
 * keyboard (or a `--callee` script) as the callee. Exit 0 when the call ran to its end,
 * whatever the disposition.
 */
export async function runCommand(args: RunArgs, io: Io): Promise<number> {
  const variables = parseVars(args.vars);
  const answeredBy = parseAnsweredBy(args.answeredBy);
  const now = parseNow(args.now);
  const script = args.callee === undefined ? undefined : await readCalleeScript(args.callee);

  const text = await readTextFile(args.file, 'flow file');
  const validation = validateFlowText(text);
  const flow = validation.flow;
  if (!validation.ok || flow === undefined) {
    const style = styleFor(io.stderr, io.env);
    io.stderr.write(`${args.file}: the flow has errors; fix them before running it\n`);
    for (const diagnostic of validation.diagnostics.filter((d) => d.severity === 'error')) {
      io.stderr.write(`${formatDiagnostic(args.file, diagnostic, style)}\n`);
    }
    return EXIT_FAILED;
  }

  const missing = missingInputVariables(flow, variables);
  if (missing.length > 0) {
    const example = JSON.stringify(Object.fromEntries(missing.map((name) => [name, '…'])));
    throw new CliError(
      `missing required input variable${missing.length === 1 ? '' : 's'}: ${missing.join(', ')} ` +
        `(pass ${missing.length === 1 ? 'it' : 'them'} with --vars '${example}')`,
      EXIT_USAGE,
    );
  }

  // With --json, stdout carries the record alone: the live call goes to stderr when a
  // person is typing, and nowhere when the callee is scripted.
  const live: Output | undefined = args.json ? (script === undefined ? io.stderr : undefined) : io.stdout;
  const style = live === undefined ? styleFor(io.stdout, io.env) : styleFor(live, io.env);
  const current = startingVariables(flow, variables);

  let callee: Callee;
  let terminal: TerminalCallee | undefined;
  if (script !== undefined) {
    callee = live === undefined ? scriptedCallee(script) : echoing(scriptedCallee(script), live, style);
  } else {
    terminal = new TerminalCallee({ input: io.stdin, output: live ?? io.stderr, style, variables: () => current });
    callee = terminal;
    (live ?? io.stderr).write(
      `${style.dim('You are the callee: type what you say and press Enter (/help lists the commands).')}\n`,
    );
  }

  const onEvent = (event: CallEvent): void => {
    if (event.type === 'variable.set') current[event.name] = event.value;
    if (live !== undefined) printEvent(event, live, style);
  };

  try {
    const record = await simulateCall(flow, {
      variables,
      callee,
      onEvent,
      httpTools: args.httpTools === true,
      ...(answeredBy === undefined ? {} : { answeredBy }),
      ...(now === undefined ? {} : { now }),
    });
    if (args.json) {
      io.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    } else {
      const out = io.stdout;
      out.write('\n');
      out.write(
        `${style.bold('disposition:')} ${record.disposition}${record.optedOut ? style.dim(' (opted out)') : ''}\n`,
      );
      out.write(`${style.bold('path:')} ${record.path.join(' → ')}\n`);
      const entries = Object.entries(record.variables);
      out.write(`${style.bold('variables:')}${entries.length === 0 ? ' (none)' : ''}\n`);
      for (const [name, value] of entries) out.write(`  ${name} = ${formatValue(value)}\n`);
    }
    return EXIT_OK;
  } finally {
    terminal?.dispose();
  }
}

function printEvent(event: CallEvent, out: Output, style: Style): void {
  switch (event.type) {
    case 'node.entered':
      out.write(`${style.dim(`  · ${event.nodeId} (${event.nodeType})`)}\n`);
      return;
    case 'agent.said':
      out.write(`${style.cyan('agent')} › ${event.text}\n`);
      return;
    case 'global.fired':
      out.write(`${style.dim(`  · global ${event.globalId} → ${event.goto}`)}\n`);
      return;
    case 'tool.called':
      out.write(`${style.dim(`  · tool ${event.toolId} called`)}\n`);
      return;
    case 'tool.result':
      out.write(
        `${style.dim(`  · tool ${event.toolId}: ${event.outcome}${event.error === undefined ? '' : ` (${event.error})`}`)}\n`,
      );
      return;
    case 'variable.set':
      out.write(`${style.dim(`  · ${event.name} = ${formatValue(event.value)}`)}\n`);
      return;
    case 'transfer.result':
      out.write(`${style.dim(`  · transfer to ${event.to}: ${event.result}`)}\n`);
      return;
    case 'opted_out':
      out.write(`${style.dim(`  · opted out (${event.channel})`)}\n`);
      return;
    case 'flow.error':
      out.write(`${style.red(`  · flow error at ${event.nodeId}: ${event.message}`)}\n`);
      return;
    default:
      return;
  }
}

/** A scripted callee whose turns are shown as if typed, so a scripted run reads like a call. */
function echoing(callee: Callee, out: Output, style: Style): Callee {
  return {
    async respond(request: ListenRequest) {
      const turn = await callee.respond(request);
      out.write(`${style.bold('you')} › ${describeTurn(turn, style)}\n`);
      return turn;
    },
  };
}

function describeTurn(turn: CalleeTurn | undefined, style: Style): string {
  if (turn === undefined) return style.dim('(silence)');
  if (typeof turn === 'string') return turn;
  if ('text' in turn) return turn.text;
  if ('dtmf' in turn) return style.dim(`(keys ${turn.dtmf})`);
  if ('silence' in turn) return style.dim('(silence)');
  return style.dim('(hangs up)');
}

/** The variables a call starts with: declared defaults, then the given inputs. */
function startingVariables(flow: FlowDocument, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const variable of flow.variables) if (variable.default !== undefined) out[variable.name] = variable.default;
  return Object.assign(out, given);
}

export function parseVars(vars: string | undefined): Record<string, unknown> {
  if (vars === undefined) return {};
  const value = parseJsonArgument(vars, '--vars');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`--vars must be a JSON object, e.g. --vars '{"first_name": "Ana"}'`, EXIT_USAGE);
  }
  return value as Record<string, unknown>;
}

export function parseAnsweredBy(value: string | undefined): AnsweredBy | undefined {
  if (value === undefined) return undefined;
  if (!(ANSWERED_BY as readonly string[]).includes(value)) {
    throw new CliError(`--answered-by must be one of ${ANSWERED_BY.join(', ')} (got "${value}")`, EXIT_USAGE);
  }
  return value as AnsweredBy;
}

export function parseNow(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new CliError(`--now must be an ISO 8601 date-time, e.g. 2026-03-10T15:00:00Z (got "${value}")`, EXIT_USAGE);
  }
  return value;
}

async function readCalleeScript(file: string): Promise<CalleeTurn[]> {
  const value = parseJsonArgument(await readTextFile(file, 'callee file'), `--callee ${file}`);
  if (!Array.isArray(value)) {
    throw new CliError(
      `--callee ${file} must hold a JSON array of callee turns, e.g. ["yes", {"dtmf": "9"}, {"hangup": true}]`,
      EXIT_USAGE,
    );
  }
  return value.map((turn, index) => {
    const parsed = CalleeTurnSchema.safeParse(turn);
    if (!parsed.success) {
      throw new CliError(
        `--callee ${file}: turn ${index + 1} (${formatValue(turn)}) is not a callee turn: ` +
          'use "words", {"text": …}, {"silence": true}, {"dtmf": "9"} or {"hangup": true}',
        EXIT_USAGE,
      );
    }
    return parsed.data;
  });
}
