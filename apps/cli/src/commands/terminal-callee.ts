import { createInterface } from 'node:readline';
import type { Callee, CalleeTurn, ListenRequest } from '@switchboard/flow';
import { formatValue } from '../format.js';
import type { Output, Style } from '../io.js';

export const CALLEE_HELP = [
  'Type what the callee says and press Enter. Commands:',
  '  /dtmf 9     press keys (also: typing only digits when the agent waits for keys)',
  '  /silence    say nothing (an empty line does the same)',
  '  /hangup     hang up (so does closing stdin: Ctrl-D)',
  '  /vars       print the call variables',
  '  /help       this help',
];

const ASK_AGAIN = Symbol('ask again');

export interface TerminalCalleeOptions {
  input: NodeJS.ReadableStream;
  output: Output;
  style: Style;
  /** the call's variables as they stand now (for /vars) */
  variables: () => Record<string, unknown>;
}

/**
 * The person at the terminal plays the callee: each time the agent listens, a `you ›`
 * prompt reads one line. End of input (Ctrl-D, a closed pipe) hangs up.
 */
export class TerminalCallee implements Callee {
  private readonly lines: AsyncIterator<string>;
  private readonly close: () => void;
  /** a piped stdin is not echoed by a terminal: echo it so the transcript reads whole */
  private readonly echo: boolean;
  private ended = false;

  constructor(private readonly options: TerminalCalleeOptions) {
    // The iterator is taken at once: lines that arrive before the first prompt are kept.
    const rl = createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
    this.lines = rl[Symbol.asyncIterator]();
    this.close = () => rl.close();
    this.echo = (options.input as { isTTY?: boolean }).isTTY !== true;
  }

  async respond(request: ListenRequest): Promise<CalleeTurn | undefined> {
    const { output, style } = this.options;
    if (this.ended) return { hangup: true };
    const hint = request.input === 'dtmf' ? style.dim(' (keys)') : '';
    for (;;) {
      output.write(`${style.bold('you')}${hint} › `);
      const next = await this.lines.next();
      if (next.done === true) {
        this.ended = true;
        output.write(`${style.dim('[stdin closed: hanging up]')}\n`);
        return { hangup: true };
      }
      const line = next.value.trim();
      if (this.echo) output.write(`${line}\n`);
      const parsed = this.parse(line, request);
      if (parsed !== ASK_AGAIN) return parsed.turn;
    }
  }

  /** Stops reading stdin so the process can exit. */
  dispose(): void {
    this.ended = true;
    this.close();
  }

  /** the turn a line stands for (`turn: undefined` is silence), or ASK_AGAIN after a command like /vars */
  private parse(line: string, request: ListenRequest): { turn: CalleeTurn | undefined } | typeof ASK_AGAIN {
    const { output, style } = this.options;
    if (line === '') return { turn: undefined };
    if (!line.startsWith('/')) {
      // Keys are what a keypad-only question can take; digits typed there are key presses.
      if (request.input === 'dtmf' && /^[0-9*#]+$/.test(line)) return { turn: { dtmf: line } };
      return { turn: line };
    }
    const [command = '', ...rest] = line.split(/\s+/);
    const argument = rest.join('');
    switch (command.toLowerCase()) {
      case '/dtmf':
      case '/keys':
        if (/^[0-9*#]+$/.test(argument)) return { turn: { dtmf: argument } };
        output.write(`${style.yellow('usage: /dtmf DIGITS (0-9, * and #), e.g. /dtmf 9')}\n`);
        return ASK_AGAIN;
      case '/silence':
        return { turn: undefined };
      case '/hangup':
        return { turn: { hangup: true } };
      case '/vars': {
        const variables = Object.entries(this.options.variables());
        if (variables.length === 0) output.write(`${style.dim('(no variables set)')}\n`);
        for (const [name, value] of variables) output.write(`  ${name} = ${formatValue(value)}\n`);
        return ASK_AGAIN;
      }
      case '/help':
        output.write(`${CALLEE_HELP.join('\n')}\n`);
        return ASK_AGAIN;
      default:
        output.write(`${style.yellow(`unknown command ${command}; /help lists them`)}\n`);
        return ASK_AGAIN;
    }
  }
}
