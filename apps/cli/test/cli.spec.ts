import { describe, expect, it } from 'vitest';
import { ANSWERED_BY } from '@switchboard/flow';
import { ANSWERED_BY_CHOICES } from '../src/commands/flow.js';
import { main } from '../src/main.js';
import { fakeIo, fixture } from './helpers.js';

const STACK_FRAME = /\n\s+at /;

describe('switchboard (global behaviour)', () => {
  it('prints help on stdout with --help, exit 0', async () => {
    const io = fakeIo();

    const code = await main(['--help'], io);

    expect(code).toBe(0);
    expect(io.out()).toContain('Usage: switchboard');
    expect(io.out()).toContain('flow');
  });

  it('prints the version with --version, exit 0', async () => {
    const io = fakeIo();

    const code = await main(['--version'], io);

    expect(code).toBe(0);
    expect(io.out().trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    ['no command', [], 'Usage: switchboard'],
    ['an unknown command', ['deploy'], "unknown command 'deploy'"],
    ['an unknown option', ['flow', 'validate', '--strict', 'x.flow.json'], "unknown option '--strict'"],
    ['a missing FILE', ['flow', 'validate'], "missing required argument 'file'"],
    ['a bad --answered-by', ['flow', 'run', 'x.flow.json', '--answered-by', 'robot'], 'Allowed choices are human'],
    ['--vars that is not JSON', ['flow', 'run', 'x.flow.json', '--vars', '{'], '--vars is not valid JSON'],
    ['a second FILE to run', ['flow', 'run', 'a.flow.json', 'b.flow.json'], 'too many arguments'],
  ])('answers %s with usage on stderr and exit 2, no stack trace', async (_, argv, message) => {
    const io = fakeIo();

    const code = await main(argv, io);

    expect(code).toBe(2);
    expect(io.err()).toContain(message);
    expect(io.err()).not.toMatch(STACK_FRAME);
    expect(io.out()).toBe('');
  });

  it('reports an unexpected error in one line with a pointer to DEBUG=switchboard', async () => {
    const io = fakeIo();
    io.stdout.write = () => {
      throw new Error('EPIPE: the pipe broke\n    at somewhere (file.js:1:1)');
    };

    const code = await main(['flow', 'validate', fixture('reminder.flow.json')], io);

    expect(code).toBe(2);
    expect(io.err()).toBe('error: EPIPE: the pipe broke (run with DEBUG=switchboard for details)\n');
  });

  it('shows the stack of an unexpected error with DEBUG=switchboard', async () => {
    const io = { ...fakeIo(), env: { DEBUG: 'switchboard' } };
    let err = '';
    io.stderr = { write: (chunk: string) => (err += chunk) };
    io.stdout = {
      write: () => {
        throw new Error('boom');
      },
    };

    const code = await main(['flow', 'validate', fixture('reminder.flow.json')], io);

    expect(code).toBe(2);
    expect(err).toMatch(STACK_FRAME);
  });

  it('offers the same --answered-by values as the flow language', () => {
    expect([...ANSWERED_BY_CHOICES]).toEqual([...ANSWERED_BY]);
  });
});
