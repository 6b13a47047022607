import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallSession,
  compileFlow,
  HttpToolRunner,
  ScenarioToolRunner,
  scriptedCallee,
  SimulatedClock,
  simulateCall,
  type CalleeTurn,
  type FlowDocument,
  type ListenRequest,
  type SimulateOptions,
  type SpeechChannel,
} from '@switchboard/flow';
import { edges, LiteralUnderstanding, makeFlow } from './helpers.js';

const NOW = '2026-03-10T14:00:00.000Z';
const nlu = new LiteralUnderstanding();

function run(flow: FlowDocument, callee: CalleeTurn[], options: Partial<SimulateOptions> = {}) {
  return simulateCall(flow, { callee: scriptedCallee(callee), understanding: nlu, now: NOW, ...options });
}
const agentLines = (record: { transcript: { speaker: string; text: string }[] }) =>
  record.transcript.filter((l) => l.speaker === 'agent').map((l) => l.text);

const greetAndAsk = (extra: Partial<Parameters<typeof makeFlow>[0]> = {}) =>
  makeFlow({
    variables: [
      { name: 'first_name', type: 'string', source: 'input' },
      { name: 'confirmed', type: 'boolean', source: 'captured' },
    ],
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'greet', type: 'say', text: 'Hi {{ first_name }}, this is an automated call from {{ meta.business }}.' },
      {
        id: 'confirm',
        type: 'question',
        prompt: 'Can you make it on Tuesday?',
        reprompt: 'Sorry, was that a yes or a no?',
        capture: { var: 'confirmed', type: 'yes_no' },
      },
      { id: 'yes_bye', type: 'end', text: 'Great, see you then.', disposition: 'confirmed' },
      { id: 'no_bye', type: 'end', text: 'No problem.', disposition: 'declined' },
      { id: 'silent_bye', type: 'end', disposition: 'no_response' },
      { id: 'confused_bye', type: 'end', disposition: 'not_understood' },
      { id: 'vm', type: 'voicemail', text: 'Please call us back at {{ meta.callbackNumber }}.' },
      { id: 'vm_end', type: 'end', disposition: 'left_voicemail' },
      ...(extra.nodes ?? []),
    ],
    edges: [
      ...edges(
        'start.human>greet',
        'start.voicemail>vm',
        'vm.next>vm_end',
        'greet.next>confirm',
        'confirm.yes>yes_bye',
        'confirm.no>no_bye',
        'confirm.no_input>silent_bye',
        'confirm.no_match>confused_bye',
      ),
      ...(extra.edges ?? []),
    ],
    ...(extra.globals ? { globals: extra.globals } : {}),
    ...(extra.settings ? { settings: extra.settings } : {}),
  });

describe('compileFlow', () => {
  it('produces an XState machine with one state per node and a final state', () => {
    const { machine } = compileFlow(greetAndAsk());
    expect(machine.id).toBe('call');
    expect(Object.keys(machine.root.states)).toEqual(expect.arrayContaining(['start', 'greet', 'confirm', '__ended']));
    expect(machine.root.states['__ended']!.type).toBe('final');
    expect(Object.keys(machine.root.states['confirm']!.states)).toEqual(['ask', 'understanding']);
  });
});

describe('start, say, end, voicemail', () => {
  it('greets with rendered templates and ends with the end node disposition', async () => {
    const record = await run(greetAndAsk(), ['yes'], { variables: { first_name: 'Ana' } });
    expect(record.path).toEqual(['start', 'greet', 'confirm', 'yes_bye']);
    expect(record.disposition).toBe('confirmed');
    expect(record.variables['confirmed']).toBe(true);
    expect(agentLines(record)).toEqual([
      'Hi Ana, this is an automated call from Acme Dental.',
      'Can you make it on Tuesday?',
      'Great, see you then.',
    ]);
    expect(record.events.at(-1)).toMatchObject({ type: 'call.ended', disposition: 'confirmed' });
  });

  it('follows the dial result: voicemail leaves a message', async () => {
    const record = await run(greetAndAsk(), [], { answeredBy: 'voicemail' });
    expect(record.path).toEqual(['start', 'vm', 'vm_end']);
    expect(agentLines(record)).toEqual(['Please call us back at +18005550100.']);
    expect(record.disposition).toBe('left_voicemail');
  });

  it('ends with the dial result as disposition when that outcome is not wired', async () => {
    const record = await run(greetAndAsk(), [], { answeredBy: 'no_answer' });
    expect(record.path).toEqual(['start']);
    expect(record.disposition).toBe('no_answer');
    expect(record.transcript).toEqual([]);
  });

  it('treats a machine as a person when answering-machine detection is off', async () => {
    const flow = greetAndAsk();
    (flow.nodes[0] as { amd?: unknown }).amd = { enabled: false };
    const record = await run(flow, ['yes'], { answeredBy: 'voicemail' });
    expect(record.path.slice(0, 2)).toEqual(['start', 'greet']);
  });

  it('lets the callee speak first when firstSpeaker is callee', async () => {
    const flow = greetAndAsk();
    (flow.nodes[0] as { firstSpeaker?: string }).firstSpeaker = 'callee';
    const record = await run(flow, ['hello?', 'yes']);
    expect(record.transcript[0]).toMatchObject({ speaker: 'callee', text: 'hello?' });
    expect(record.disposition).toBe('confirmed');
  });
});

describe('question', () => {
  it('captures no', async () => {
    const record = await run(greetAndAsk(), ['no']);
    expect(record.path.at(-1)).toBe('no_bye');
    expect(record.variables['confirmed']).toBe(false);
  });

  it('reprompts after a no-match without a new path entry', async () => {
    const record = await run(greetAndAsk(), ['purple', 'yes']);
    expect(record.path).toEqual(['start', 'greet', 'confirm', 'yes_bye']);
    expect(agentLines(record)).toContain('Sorry, was that a yes or a no?');
    expect(record.disposition).toBe('confirmed');
  });

  it('follows no_input when silence spends the attempts', async () => {
    const record = await run(greetAndAsk(), [{ silence: true }, { silence: true }]);
    expect(record.disposition).toBe('no_response');
    // two 6 s timeouts passed on the simulated clock, not on the wall clock
    expect(record.durationMs).toBeGreaterThanOrEqual(12_000);
    expect(record.transcript.filter((l) => l.kind === 'silence')).toHaveLength(2);
  });

  it('running out of callee turns is silence', async () => {
    const record = await run(greetAndAsk(), []);
    expect(record.disposition).toBe('no_response');
  });

  it('fires the edge of the last failure when attempts are spent', async () => {
    expect((await run(greetAndAsk(), [{ silence: true }, 'purple'])).disposition).toBe('not_understood');
    expect((await run(greetAndAsk(), ['purple', { silence: true }])).disposition).toBe('no_response');
  });

  it('honours maxAttempts per question', async () => {
    const flow = greetAndAsk();
    (flow.nodes[2] as { maxAttempts?: number }).maxAttempts = 3;
    const record = await run(flow, ['purple', 'green', 'yes']);
    expect(record.disposition).toBe('confirmed');
  });

  it('starts a new visit (fresh attempts) when entered again through an edge', async () => {
    const flow = makeFlow({
      variables: [{ name: 'ok', type: 'boolean', source: 'captured' }],
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'ask', type: 'question', prompt: 'Ready?', maxAttempts: 1, capture: { var: 'ok', type: 'yes_no' } },
        { id: 'again', type: 'say', text: 'Let me ask again.' },
        { id: 'done', type: 'end', disposition: 'done' },
        { id: 'gave_up', type: 'end', disposition: 'gave_up' },
      ],
      edges: edges(
        'start.human>ask',
        'ask.yes>done',
        'ask.no>done',
        'ask.no_match>again',
        'again.next>ask',
        'ask.no_input>gave_up',
      ),
    });
    const record = await run(flow, ['purple', 'yes']);
    expect(record.path).toEqual(['start', 'ask', 'again', 'ask', 'done']);
  });

  it('captures choices by voice and by key position', async () => {
    const flow = makeFlow({
      variables: [{ name: 'slot', type: 'string', source: 'captured' }],
      nodes: [
        { id: 'start', type: 'start' },
        {
          id: 'pick',
          type: 'question',
          prompt: 'Morning or afternoon? Press 1 for morning, 2 for afternoon.',
          input: 'both',
          capture: {
            var: 'slot',
            type: 'choice',
            values: [
              { id: 'morning', label: 'Morning' },
              { id: 'afternoon', label: 'Afternoon' },
            ],
          },
        },
        { id: 'am', type: 'end', disposition: 'am' },
        { id: 'pm', type: 'end', disposition: 'pm' },
        { id: 'x', type: 'end', disposition: 'x' },
      ],
      edges: edges('start.human>pick', 'pick.morning>am', 'pick.afternoon>pm', 'pick.no_input>x', 'pick.no_match>x'),
    });
    expect((await run(flow, ['the afternoon please'])).disposition).toBe('pm');
    const byKey = await run(flow, [{ dtmf: '1' }]);
    expect(byKey.disposition).toBe('am');
    expect(byKey.variables['slot']).toBe('morning');
  });

  it('sends key presses to a digits question, and to dtmf globals elsewhere', async () => {
    const flow = makeFlow({
      variables: [
        { name: 'pin', type: 'string', source: 'captured' },
        { name: 'ok', type: 'boolean', source: 'captured' },
      ],
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'pin_q', type: 'question', prompt: 'Enter your PIN.', capture: { var: 'pin', type: 'digits' } },
        { id: 'ok_q', type: 'question', prompt: 'Shall we go on?', capture: { var: 'ok', type: 'yes_no' } },
        { id: 'out', type: 'opt_out', text: 'Removed.' },
        { id: 'done', type: 'end', disposition: 'done' },
        { id: 'x', type: 'end', disposition: 'x' },
      ],
      edges: edges(
        'start.human>pin_q',
        'pin_q.answered>ok_q',
        'pin_q.no_input>x',
        'pin_q.no_match>x',
        'ok_q.yes>done',
        'ok_q.no>done',
        'ok_q.no_input>x',
        'ok_q.no_match>x',
      ),
      globals: [{ id: 'g_key', trigger: { kind: 'dtmf', digits: '9' }, goto: 'out' }],
    });
    // 9 is a PIN digit in the digits question, and the opt-out key in the yes/no question
    const record = await run(flow, [{ dtmf: '9' }, { dtmf: '9' }]);
    expect(record.variables['pin']).toBe('9');
    expect(record.path).toEqual(['start', 'pin_q', 'ok_q', 'out']);
    expect(record.disposition).toBe('opted_out');
    expect(record.events.find((e) => e.type === 'opted_out')).toMatchObject({ channel: 'dtmf' });
    // a key no global knows is a no-match
    const other = await run(flow, [{ dtmf: '1234' }, { dtmf: '5' }, 'yes']);
    expect(other.disposition).toBe('done');
    expect(agentLines(other).filter((l) => l === 'Shall we go on?')).toHaveLength(2);
  });
});

describe('globals', () => {
  const withGlobals = () =>
    greetAndAsk({
      nodes: [
        { id: 'explain', type: 'say', text: 'This is Acme Dental calling about your appointment.' },
        { id: 'remove', type: 'opt_out', text: 'You will not hear from us again.' },
        { id: 'human', type: 'transfer', to: '+12125550100', announce: 'Connecting you now.' },
        { id: 'human_failed', type: 'end', disposition: 'transfer_failed' },
      ],
      edges: edges('human.failed>human_failed'),
      globals: [
        { id: 'g_stop', trigger: { kind: 'intent', intent: 'opt_out' }, goto: 'remove' },
        { id: 'g_key', trigger: { kind: 'dtmf', digits: '9' }, goto: 'remove' },
        {
          id: 'g_who',
          trigger: { kind: 'intent', intent: 'who_is_calling' },
          goto: 'explain',
          return: true,
          cooldownTurns: 2,
        },
        { id: 'g_human', trigger: { kind: 'intent', examples: ['real person'] }, goto: 'human', scope: ['confirm'] },
      ],
    });

  it('opts out by voice from any listening state and records how', async () => {
    const record = await run(withGlobals(), ['please opt out now']);
    expect(record.path).toEqual(['start', 'greet', 'confirm', 'remove']);
    expect(record.disposition).toBe('opted_out');
    expect(record.optedOut).toBe(true);
    expect(record.events.find((e) => e.type === 'opted_out')).toMatchObject({
      channel: 'voice',
      words: 'please opt out now',
    });
    expect(agentLines(record).at(-1)).toBe('You will not hear from us again.');
  });

  it('records the opt-out through the port before the call ends', async () => {
    const recorded: unknown[] = [];
    const record = await run(withGlobals(), [{ dtmf: '9' }], {
      optOut: { record: async (o) => void recorded.push(o) },
    });
    expect(recorded).toEqual([expect.objectContaining({ nodeId: 'remove', channel: 'dtmf' })]);
    expect(record.disposition).toBe('opted_out');
  });

  it('returns to the interrupted question without spending an attempt', async () => {
    const record = await run(withGlobals(), ['who is calling', 'purple', 'yes']);
    expect(record.path).toEqual(['start', 'greet', 'confirm', 'explain', 'confirm', 'yes_bye']);
    expect(agentLines(record)).toEqual([
      'Hi , this is an automated call from Acme Dental.',
      'Can you make it on Tuesday?',
      'This is Acme Dental calling about your appointment.',
      'Can you make it on Tuesday?',
      'Sorry, was that a yes or a no?',
      'Great, see you then.',
    ]);
    expect(record.events.filter((e) => e.type === 'global.fired')).toHaveLength(1);
  });

  it('does not fire again during its cooldown', async () => {
    // turn 1 fires; turns 2 and 3 are in the cooldown (2 turns); turn 4 may fire again
    const flow = withGlobals();
    (flow.nodes.find((n) => n.id === 'confirm') as { maxAttempts?: number }).maxAttempts = 5;
    const record = await run(flow, ['who is calling', 'who is calling', 'who is calling', 'who is calling', 'yes']);
    const fired = record.events.filter((e) => e.type === 'global.fired');
    expect(fired).toHaveLength(2);
    expect(record.path.filter((n) => n === 'explain')).toHaveLength(2);
    expect(record.disposition).toBe('confirmed');
  });

  it('respects scope', async () => {
    const record = await run(withGlobals(), ['a real person please']);
    expect(record.path.at(-1)).toBe('human');
    expect(record.disposition).toBe('transferred');
    const flow = withGlobals();
    flow.globals.find((g) => g.id === 'g_human')!.scope = ['explain'];
    expect((await run(flow, ['a real person please', 'yes'])).disposition).toBe('confirmed');
  });

  it('handles silence with an event global', async () => {
    const flow = withGlobals();
    flow.globals.push({
      id: 'g_quiet',
      trigger: { kind: 'event', event: 'silence' },
      goto: 'explain',
      return: true,
      cooldownTurns: 0,
    });
    const record = await run(flow, [{ silence: true }, 'yes']);
    expect(record.path).toEqual(['start', 'greet', 'confirm', 'explain', 'confirm', 'yes_bye']);
  });
});

describe('callee hang-up and limits', () => {
  it('ends with callee_hung_up when the callee hangs up mid-question', async () => {
    const record = await run(greetAndAsk(), [{ hangup: true }]);
    expect(record.disposition).toBe('callee_hung_up');
    expect(record.path).toEqual(['start', 'greet', 'confirm']);
    expect(record.transcript.at(-1)).toMatchObject({ speaker: 'callee', kind: 'hangup' });
  });

  it('runs a hangup global without speaking', async () => {
    const flow = greetAndAsk({
      nodes: [
        { id: 'note', type: 'tool', tool: 'note', input: { text: 'hung up' } },
        { id: 'logged', type: 'say', text: 'Nobody hears this.' },
        { id: 'closed', type: 'end', disposition: 'hung_up_logged' },
      ],
      edges: edges('note.success>logged', 'logged.next>closed', 'note.error>closed', 'note.timeout>closed'),
      globals: [{ id: 'g_hup', trigger: { kind: 'event', event: 'hangup' }, goto: 'note' }],
    });
    flow.tools.push({ id: 'note', kind: 'builtin', name: 'call.note' });
    const record = await run(flow, [{ hangup: true }]);
    expect(record.disposition).toBe('hung_up_logged');
    expect(agentLines(record)).not.toContain('Nobody hears this.');
  });

  it('ends with loop_limit when a node is entered more than maxVisitsPerNode times', async () => {
    const flow = makeFlow({
      settings: { defaults: { maxVisitsPerNode: 3 } },
      variables: [{ name: 'ok', type: 'boolean', source: 'captured' }],
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'ask', type: 'question', prompt: 'Ready?', capture: { var: 'ok', type: 'yes_no' } },
        { id: 'wait', type: 'say', text: 'Take your time.' },
        { id: 'done', type: 'end', disposition: 'done' },
      ],
      edges: edges(
        'start.human>ask',
        'ask.no>wait',
        'wait.next>ask',
        'ask.yes>done',
        'ask.no_input>done',
        'ask.no_match>done',
      ),
    });
    const record = await run(flow, ['no', 'no', 'no', 'no', 'no']);
    expect(record.disposition).toBe('loop_limit');
    expect(record.path.filter((n) => n === 'ask')).toHaveLength(3);
  });

  it('ends with max_duration when the call runs too long, or runs the max_duration global', async () => {
    const flow = greetAndAsk({ settings: { defaults: { maxCallSeconds: 20, maxAttempts: 10 } } });
    const silence = Array.from({ length: 10 }, () => ({ silence: true as const }));
    const record = await run(flow, silence);
    expect(record.disposition).toBe('max_duration');
    expect(record.durationMs).toBeGreaterThanOrEqual(20_000);
    expect(record.durationMs).toBeLessThan(30_000);

    const wrapped = greetAndAsk({
      settings: { defaults: { maxCallSeconds: 20, maxAttempts: 10 } },
      nodes: [{ id: 'wrap', type: 'end', text: 'We are out of time.', disposition: 'wrapped_up' }],
      globals: [{ id: 'g_long', trigger: { kind: 'event', event: 'max_duration' }, goto: 'wrap' }],
    });
    const second = await run(wrapped, silence);
    expect(second.disposition).toBe('wrapped_up');
    expect(agentLines(second).at(-1)).toBe('We are out of time.');
  });

  it('ends with flow_error when an outcome has no edge', async () => {
    const flow = greetAndAsk();
    flow.edges = flow.edges.filter((e) => !(e.from === 'confirm' && 'handle' in e && e.handle === 'no'));
    const record = await run(flow, ['no']);
    expect(record.disposition).toBe('flow_error');
    expect(record.events.some((e) => e.type === 'flow.error')).toBe(true);
  });
});

describe('branch and set', () => {
  const scoring = () =>
    makeFlow({
      variables: [
        { name: 'score', type: 'number', source: 'captured' },
        { name: 'bill', type: 'number', source: 'input', default: 10.5 },
        { name: 'yearly', type: 'number', source: 'captured' },
        { name: 'tier', type: 'string', source: 'captured' },
      ],
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'rate', type: 'question', prompt: 'From 0 to 10?', capture: { var: 'score', type: 'number' } },
        {
          id: 'calc',
          type: 'set',
          assign: [
            { var: 'yearly', value: 'bill * 12' },
            { var: 'tier', value: "score >= 9 ? 'promoter' : 'other'" },
          ],
        },
        {
          id: 'route',
          type: 'branch',
          cases: [
            { id: 'promoter', when: 'score >= 9' },
            { id: 'passive', when: 'score >= 7 && score < 9' },
          ],
        },
        { id: 'p', type: 'end', disposition: 'promoter' },
        { id: 'm', type: 'end', disposition: 'passive' },
        { id: 'd', type: 'end', disposition: 'detractor' },
      ],
      edges: edges(
        'start.human>rate',
        'rate.answered>calc',
        'rate.no_input>d',
        'rate.no_match>d',
        'calc.next>route',
        'route.promoter>p',
        'route.passive>m',
        'route.else>d',
      ),
    });

  it('tries cases in order with integers and decimals mixed', async () => {
    const record = await run(scoring(), ['9']);
    expect(record.path).toEqual(['start', 'rate', 'calc', 'route', 'p']);
    expect(record.variables).toMatchObject({ score: 9, yearly: 126, tier: 'promoter' });
    expect((await run(scoring(), ['7.5'])).disposition).toBe('passive');
    expect((await run(scoring(), ['3'])).disposition).toBe('detractor');
  });
});

describe('tools', () => {
  const booking = () =>
    makeFlow({
      variables: [
        { name: 'slot', type: 'string', source: 'tool' },
        { name: 'name', type: 'string', source: 'input' },
      ],
      tools: [
        {
          id: 'book',
          kind: 'http',
          method: 'POST',
          url: 'http://127.0.0.1:1/book',
          headers: { authorization: 'Bearer {{ secrets.crm_token }}' },
          body: { who: '{{ input.who }}' },
        },
      ],
      nodes: [
        { id: 'start', type: 'start' },
        {
          id: 'call_crm',
          type: 'tool',
          tool: 'book',
          filler: 'One moment while I check.',
          input: { who: '{{ name }}' },
          output: { slot: 'data.slot.id' },
        },
        { id: 'ok', type: 'end', text: 'Booked {{ slot }}.', disposition: 'booked' },
        { id: 'err', type: 'end', disposition: 'tool_error' },
        { id: 'late', type: 'end', disposition: 'tool_timeout' },
      ],
      edges: edges('start.human>call_crm', 'call_crm.success>ok', 'call_crm.error>err', 'call_crm.timeout>late'),
    });

  it('maps outputs by dot path on success and speaks the filler', async () => {
    const tools = new ScenarioToolRunner({ book: { result: { data: { slot: { id: 'tue-3pm' } } } } });
    const record = await run(booking(), [], { tools, variables: { name: 'Ana' } });
    expect(record.disposition).toBe('booked');
    expect(record.variables['slot']).toBe('tue-3pm');
    expect(agentLines(record)).toEqual(['One moment while I check.', 'Booked tue-3pm.']);
    expect(record.events.find((e) => e.type === 'tool.called')).toMatchObject({ input: { who: 'Ana' } });
  });

  it('follows error and timeout, timeout falling back to error when unwired', async () => {
    expect((await run(booking(), [], { tools: new ScenarioToolRunner({ book: { error: '503' } }) })).disposition).toBe(
      'tool_error',
    );
    expect((await run(booking(), [], { tools: new ScenarioToolRunner({ book: { timeout: true } }) })).disposition).toBe(
      'tool_timeout',
    );
    const flow = booking();
    flow.edges = flow.edges.filter((e) => !('handle' in e && e.handle === 'timeout'));
    expect((await run(flow, [], { tools: new ScenarioToolRunner({ book: { timeout: true } }) })).disposition).toBe(
      'tool_error',
    );
  });

  it('uses a list of mocks call after call', async () => {
    const flow = makeFlow({
      tools: [{ id: 'check', kind: 'builtin', name: 'contact.lookup' }],
      nodes: [
        { id: 'start', type: 'start' },
        { id: 't1', type: 'tool', tool: 'check' },
        { id: 't2', type: 'tool', tool: 'check' },
        { id: 'ok', type: 'end', disposition: 'ok' },
        { id: 'err', type: 'end', disposition: 'err' },
      ],
      edges: edges(
        'start.human>t1',
        't1.success>t2',
        't1.error>err',
        't1.timeout>err',
        't2.success>ok',
        't2.error>err',
        't2.timeout>err',
      ),
    });
    const tools = new ScenarioToolRunner({ check: [{ result: {} }, { error: 'down' }] });
    expect((await run(flow, [], { tools })).disposition).toBe('err');
  });

  describe('real HTTP tools', () => {
    let url = '';
    const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 500);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { slot: { id: 'wed-10am' } } }));
      });
    });
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('calls the rendered request with secrets and maps the JSON answer', async () => {
      const flow = booking();
      (flow.tools[0] as { url: string }).url = `${url}/book`;
      const record = await run(flow, [], {
        tools: new HttpToolRunner(),
        variables: { name: 'Ana' },
        secrets: { crm_token: 's3cret' },
      });
      expect(record.disposition).toBe('booked');
      expect(seen.at(-1)!.headers['authorization']).toBe('Bearer s3cret');
      expect(JSON.parse(seen.at(-1)!.body)).toEqual({ who: 'Ana' });
      expect(JSON.stringify(record.events)).not.toContain('s3cret');
    });

    it('times out on a slow tool', async () => {
      const flow = booking();
      (flow.tools[0] as { url: string; timeoutMs?: number }).url = `${url}/slow`;
      (flow.nodes[1] as { timeoutMs?: number }).timeoutMs = 50;
      expect((await run(flow, [], { tools: new HttpToolRunner() })).disposition).toBe('tool_timeout');
    });
  });
});

describe('transfer', () => {
  const transferFlow = () =>
    makeFlow({
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'xfer', type: 'transfer', to: '+12125550123', announce: 'Transferring you now.' },
        { id: 'failed', type: 'end', text: 'Nobody is available.', disposition: 'transfer_failed' },
        { id: 'busy', type: 'end', disposition: 'line_busy' },
      ],
      edges: edges('start.human>xfer', 'xfer.failed>failed', 'xfer.busy>busy'),
    });

  it('ends transferred when connected', async () => {
    const record = await run(transferFlow(), []);
    expect(record.disposition).toBe('transferred');
    expect(agentLines(record)).toEqual(['Transferring you now.']);
    expect(record.events.find((e) => e.type === 'transfer.result')).toMatchObject({
      to: '+12125550123',
      result: 'connected',
    });
  });

  it('follows busy, and falls back to failed when no_answer is unwired', async () => {
    expect((await run(transferFlow(), [], { transfer: 'busy' })).disposition).toBe('line_busy');
    expect((await run(transferFlow(), [], { transfer: 'no_answer' })).disposition).toBe('transfer_failed');
    expect((await run(transferFlow(), [], { transfer: 'failed' })).disposition).toBe('transfer_failed');
  });
});

describe('llm nodes without a model', () => {
  const llmFlow = () =>
    makeFlow({
      variables: [{ name: 'budget', type: 'number', source: 'captured' }],
      nodes: [
        { id: 'start', type: 'start' },
        {
          id: 'chat',
          type: 'llm',
          task: 'Find out the budget and whether they want a demo.',
          opening: 'What budget do you have in mind?',
          extract: [{ var: 'budget', type: 'number', description: 'budget in dollars' }],
          maxTurns: 4,
        },
        { id: 'demo', type: 'end', disposition: 'demo' },
        { id: 'quiet', type: 'end', disposition: 'quiet' },
        { id: 'long', type: 'end', disposition: 'long' },
      ],
      edges: [
        ...edges('start.human>chat', 'chat.no_input>quiet', 'chat.max_turns>long'),
        {
          id: 'i1',
          from: 'chat',
          kind: 'intent',
          to: 'demo',
          label: 'Wants a demo',
          examples: ['book a demo'],
          say: 'Great, let me set that up.',
        },
      ],
    });

  it('speaks the opening, extracts values and follows intent edges with their line', async () => {
    const record = await run(llmFlow(), ['maybe 5000', 'hmm', 'ok book a demo']);
    expect(record.path).toEqual(['start', 'chat', 'demo']);
    expect(record.variables['budget']).toBe(5000);
    expect(agentLines(record)).toEqual([
      'What budget do you have in mind?',
      'Got it.',
      'Sorry, could you say that again?',
      'Great, let me set that up.',
    ]);
  });

  it('fires no_input after two silences in a row, and max_turns after maxTurns turns', async () => {
    expect((await run(llmFlow(), [{ silence: true }, { silence: true }])).disposition).toBe('quiet');
    expect((await run(llmFlow(), [{ silence: true }, 'hmm', { silence: true }, 'hmm'])).disposition).toBe('long');
  });
});

describe('persisted snapshots', () => {
  /** a channel driven by the test: it only records what the call listens for */
  class ManualChannel implements SpeechChannel {
    listens: ListenRequest[] = [];
    said: string[] = [];
    say(text: string) {
      this.said.push(text);
    }
    listen(request: ListenRequest) {
      this.listens.push(request);
    }
    async transfer() {
      return 'connected' as const;
    }
    hangup() {}
  }

  it('restores a call mid-question with its pending no-input deadline', async () => {
    const compiled = compileFlow(greetAndAsk());
    const clock = new SimulatedClock(NOW);
    const channel = new ManualChannel();
    const common = { understanding: nlu, tools: new ScenarioToolRunner(), variables: { first_name: 'Ana' } };
    const first = CallSession.start(compiled, { ...common, channel, clock });
    expect(first.listeningFor?.nodeId).toBe('confirm');
    const listenedAt = clock.now();

    const persisted = JSON.parse(JSON.stringify(first.persist()));
    first.stop();

    // another worker picks the call up 4 s later, with its own clock
    const laterClock = new SimulatedClock(listenedAt + 4_000);
    const channel2 = new ManualChannel();
    const second = CallSession.restore(compiled, persisted, { ...common, channel: channel2, clock: laterClock });
    expect(channel2.listens).toHaveLength(1); // listens again for the same question
    expect(channel2.said).toEqual([]); // without asking again

    laterClock.advanceBy(1_999);
    laterClock.runDue();
    expect(channel2.said).toEqual([]); // 5.999 s after the prompt: still waiting
    laterClock.advanceBy(1);
    laterClock.runDue(); // 6 s: the original deadline fires → reprompt
    expect(channel2.said).toEqual(['Sorry, was that a yes or a no?']);

    second.sendText('yes');
    const record = await second.result;
    expect(record.path).toEqual(['start', 'greet', 'confirm', 'yes_bye']);
    expect(record.disposition).toBe('confirmed');
    expect(record.transcript.map((l) => l.kind)).toEqual(['speech', 'speech', 'silence', 'speech', 'speech', 'speech']);
  });
});
