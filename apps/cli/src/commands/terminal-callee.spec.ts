import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ListenRequest } from '@switchboard/flow';
import type { Style } from '../io.js';
import { TerminalCallee } from './terminal-callee.js';

const plain: Style = {
  red: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
  bold: (t) => t,
  dim: (t) => t,
};
const speech: ListenRequest = { nodeId: 'q', timeoutMs: 6000, input: 'speech' };
const keys: ListenRequest = { nodeId: 'q', timeoutMs: 6000, input: 'dtmf' };

function callee(...lines: string[]) {
  let out = '';
  const terminal = new TerminalCallee({
    input: Readable.from(lines.map((line) => `${line}\n`)),
    output: { write: (chunk: string) => (out += chunk) },
    style: plain,
    variables: () => ({ first_name: 'Ana' }),
  });
  return { terminal, out: () => out };
}

describe('TerminalCallee', () => {
  it('turns lines into callee turns', async () => {
    const { terminal } = callee('yes', '', '/silence', '/dtmf 9', '/hangup');

    expect(await terminal.respond(speech)).toBe('yes');
    expect(await terminal.respond(speech)).toBeUndefined();
    expect(await terminal.respond(speech)).toBeUndefined();
    expect(await terminal.respond(speech)).toEqual({ dtmf: '9' });
    expect(await terminal.respond(speech)).toEqual({ hangup: true });
  });

  it('takes digits as key presses only when the agent waits for keys', async () => {
    const { terminal } = callee('1234', '1234');

    expect(await terminal.respond(keys)).toEqual({ dtmf: '1234' });
    expect(await terminal.respond(speech)).toBe('1234');
  });

  it('keeps listening after /vars, /help, a bad /dtmf and an unknown command', async () => {
    const { terminal, out } = callee('/vars', '/help', '/dtmf abc', '/dance', 'again');

    expect(await terminal.respond(speech)).toBe('again');
    expect(out()).toContain('first_name = "Ana"');
    expect(out()).toContain('/hangup');
    expect(out()).toContain('usage: /dtmf DIGITS');
    expect(out()).toContain('unknown command /dance');
  });

  it('hangs up when its input ends, and stays hung up', async () => {
    const { terminal, out } = callee();

    expect(await terminal.respond(speech)).toEqual({ hangup: true });
    expect(await terminal.respond(speech)).toEqual({ hangup: true });
    expect(out()).toContain('stdin closed');
  });
});
