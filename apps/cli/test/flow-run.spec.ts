import { describe, expect, it } from 'vitest';
import type { CallRecord } from '@switchboard/flow';
import { runCommand } from '../src/commands/flow-run.js';
import { main } from '../src/main.js';
import { fakeIo, fixture } from './helpers.js';

const flow = fixture('reminder.flow.json');
const vars = JSON.stringify({ first_name: 'Ana' });

describe('flow run', () => {
  describe('with a scripted callee (--callee FILE)', () => {
    it('plays the turns, prints the call and ends with disposition, path and variables', async () => {
      const io = fakeIo();

      const code = await runCommand({ file: flow, vars, callee: fixture('callee-yes.json') }, io);

      expect(code).toBe(0);
      const out = io.out();
      expect(out).toContain('agent › Hi Ana, this is an automated call from Bright Dental.');
      expect(out).toContain('you › yes');
      expect(out).toContain('· confirm (question)');
      expect(out).toContain('disposition: confirmed');
      expect(out).toContain('path: start → greet → confirm → bye_yes');
      expect(out).toMatch(/^ {2}confirmed = true$/m);
      expect(out).toMatch(/^ {2}first_name = "Ana"$/m);
    });

    it('prints only the call record on stdout with --json', async () => {
      const io = fakeIo();

      const code = await runCommand({ file: flow, vars, callee: fixture('callee-yes.json'), json: true }, io);

      expect(code).toBe(0);
      const record = JSON.parse(io.out()) as CallRecord;
      expect(record.disposition).toBe('confirmed');
      expect(record.path).toEqual(['start', 'greet', 'confirm', 'bye_yes']);
      expect(record.variables).toMatchObject({ first_name: 'Ana', confirmed: true });
      expect(record.transcript.length).toBeGreaterThan(0);
    });

    it('answers with a voicemail when asked to (--answered-by voicemail)', async () => {
      const io = fakeIo();

      const code = await main(['flow', 'run', flow, '--vars', vars, '--answered-by', 'voicemail', '--json'], io);

      expect(code).toBe(0);
      expect((JSON.parse(io.out()) as CallRecord).disposition).toBe('voicemail_left');
    });
  });

  describe('with the callee typed on stdin', () => {
    it('reads what the callee says, line by line', async () => {
      const io = fakeIo(['no']);

      const code = await runCommand({ file: flow, vars }, io);

      expect(code).toBe(0);
      expect(io.out()).toContain('you › no');
      expect(io.out()).toContain('disposition: declined');
    });

    it('presses keys with /dtmf', async () => {
      const io = fakeIo(['/dtmf 9']);

      await runCommand({ file: flow, vars }, io);

      expect(io.out()).toContain('disposition: opted_out');
    });

    it('stays silent with /silence until the question gives up', async () => {
      const io = fakeIo(['/silence', '/silence']);

      await runCommand({ file: flow, vars }, io);

      expect(io.out()).toContain('disposition: no_response');
      expect(io.out()).toContain('path: start → greet → confirm → bye_silent');
    });

    it('hangs up with /hangup', async () => {
      const io = fakeIo(['/hangup', 'never read']);

      await runCommand({ file: flow, vars }, io);

      expect(io.out()).toContain('disposition: callee_hung_up');
    });

    it('hangs up when stdin ends', async () => {
      const io = fakeIo([]);

      const code = await runCommand({ file: flow, vars }, io);

      expect(code).toBe(0);
      expect(io.out()).toContain('disposition: callee_hung_up');
    });

    it('prints the variables with /vars and the commands with /help, then keeps listening', async () => {
      const io = fakeIo(['/vars', '/help', '/nonsense', 'yes']);

      await runCommand({ file: flow, vars }, io);

      const out = io.out();
      expect(out).toMatch(/^ {2}first_name = "Ana"$/m);
      expect(out).toContain('/dtmf 9');
      expect(out).toContain('unknown command /nonsense');
      expect(out).toContain('disposition: confirmed');
    });

    it('keeps stdout to the record with --json and shows the call on stderr', async () => {
      const io = fakeIo(['yes']);

      await runCommand({ file: flow, vars, json: true }, io);

      expect((JSON.parse(io.out()) as CallRecord).disposition).toBe('confirmed');
      expect(io.err()).toContain('agent › Hi Ana');
    });
  });

  describe('refuses bad input with exit 2 and a clear message', () => {
    it('names missing required input variables', async () => {
      const io = fakeIo();

      const code = await main(['flow', 'run', flow, '--callee', fixture('callee-yes.json')], io);

      expect(code).toBe(2);
      expect(io.err()).toContain('missing required input variable: first_name');
    });

    it.each([
      ['not JSON', '{first_name: Ana}', '--vars is not valid JSON'],
      ['a JSON array', '["Ana"]', '--vars must be a JSON object'],
    ])('--vars that is %s', async (_, value, message) => {
      const io = fakeIo();

      const code = await main(['flow', 'run', flow, '--vars', value], io);

      expect(code).toBe(2);
      expect(io.err()).toContain(message);
      expect(io.err()).not.toMatch(/\n\s+at /);
    });

    it('a --callee file that is not a list of turns', async () => {
      const io = fakeIo();

      const code = await main(['flow', 'run', flow, '--vars', vars, '--callee', fixture('reminder.flow.json')], io);

      expect(code).toBe(2);
      expect(io.err()).toContain('must hold a JSON array of callee turns');
    });

    it('an invalid --now', async () => {
      const io = fakeIo();

      const code = await main(['flow', 'run', flow, '--vars', vars, '--now', 'tomorrow'], io);

      expect(code).toBe(2);
      expect(io.err()).toContain('--now must be an ISO 8601 date-time');
    });
  });

  it('refuses to run an invalid flow: its errors on stderr, exit 1', async () => {
    const io = fakeIo();

    const code = await runCommand({ file: fixture('invalid.flow.json'), vars }, io);

    expect(code).toBe(1);
    expect(io.err()).toContain('the flow has errors');
    expect(io.out()).toBe('');
  });
});
