import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalUnderstanding } from './local-understanding.js';
import type { BuiltinIntent, CaptureSpec, IntentCandidate, UnderstandResult } from './types.js';

/**
 * Reported understanding bugs, reproduced on the example flows: each turn goes through
 * LocalUnderstanding with the candidates and capture the runtime builds for the node
 * (runtime/behaviours.ts: intent globals first, then intent edges).
 */

interface FlowJson {
  nodes: Array<{ id: string; type: string; capture?: CaptureSpec & { var: string } }>;
  edges: Array<{
    id: string;
    from: string;
    kind?: string;
    intent?: BuiltinIntent;
    prompt?: string;
    examples?: string[];
    label?: string;
  }>;
  globals?: Array<{
    id: string;
    label?: string;
    scope?: string[];
    trigger: { kind: string; intent?: BuiltinIntent; prompt?: string; examples?: string[] };
  }>;
}

function loadFlow(name: string): FlowJson {
  return JSON.parse(readFileSync(new URL(`../../../../flows/${name}.flow.json`, import.meta.url), 'utf8')) as FlowJson;
}

function listener(name: string, nodeId: string): (text: string) => UnderstandResult {
  const flow = loadFlow(name);
  const node = flow.nodes.find((n) => n.id === nodeId);
  if (node === undefined) throw new Error(`${name} has no node ${nodeId}`);
  const candidates: IntentCandidate[] = [];
  for (const g of flow.globals ?? []) {
    if (g.trigger.kind !== 'intent' || (g.scope !== undefined && !g.scope.includes(nodeId))) continue;
    const { intent, prompt, examples } = g.trigger;
    candidates.push({
      id: `global:${g.id}`,
      ...(intent ? { intent } : {}),
      ...(prompt ? { prompt } : {}),
      ...(examples ? { examples } : {}),
      ...(g.label ? { label: g.label } : {}),
    });
  }
  for (const e of flow.edges) {
    if (e.from !== nodeId || e.kind !== 'intent') continue;
    candidates.push({
      id: `edge:${e.id}`,
      ...(e.intent ? { intent: e.intent } : {}),
      ...(e.prompt ? { prompt: e.prompt } : {}),
      ...(e.examples ? { examples: e.examples } : {}),
      ...(e.label ? { label: e.label } : {}),
    });
  }
  const capture: CaptureSpec | undefined = node.capture
    ? { type: node.capture.type, ...(node.capture.values ? { values: node.capture.values } : {}) }
    : undefined;
  const understanding = new LocalUnderstanding();
  return (text) =>
    understanding.understand({
      text,
      candidates,
      ...(capture ? { capture } : {}),
      now: new Date('2026-03-10T14:00:00Z'),
      timezone: 'America/New_York',
      locale: 'en-US',
    });
}

describe('lead-qualification › qualify (llm): a question is no agreement', () => {
  const understand = listener('lead-qualification', 'qualify');
  const CONSULT = 'edge:e_qualify_consult';

  it.each([
    'what kind of panels do you use?',
    'What kind of panels do you use',
    'how much does it cost?',
    'how much is the consultation?',
    'what is a consultation?',
    'do you use Tesla panels?',
    'do you do consultations on weekends?',
    'is the consultation free?',
    'is there a tax credit?',
    'does it work when it is cloudy?',
    'how long does the install take?',
    'can you tell me what kind of warranty you offer?',
    'I was wondering what a consultation involves',
    'what sort of savings are we talking about?',
    'are you sure it is free?',
  ])('"%s" is placed on no edge', (text) => {
    expect(understand(text).intent).toBeUndefined();
  });

  it.each([
    'sure, what time works?',
    'yes, how much does it cost?',
    "yeah, I'd like a consultation. How much is it?",
    'okay sure, what do I need to do?',
    'could I get a quote?',
    'sure, book me in',
    "that sounds good, let's do it",
  ])('"%s" agrees to the consultation', (text) => {
    expect(understand(text).intent?.id).toBe(CONSULT);
  });

  it.each([
    ['I rent, is that a problem?', 'edge:e_qualify_renter'],
    ['nope, not interested. What company is this?', 'global:g_who'],
    ['who is this?', 'global:g_who'],
    ['can you call me back later?', 'edge:e_qualify_later'],
  ])('"%s" → %s', (text, id) => {
    expect(understand(text).intent?.id).toBe(id);
  });
});

describe('appointment-reminder › confirm (yes_no): changing the slot declines it', () => {
  const understand = listener('appointment-reminder', 'confirm');

  it.each([
    ['I need to reschedule', false],
    ["I'd like to reschedule", false],
    ['can we move it', false],
    ['could we move it to Friday?', false],
    ['I have to change the time', false],
    ['we need to push it back', false],
    ['I would prefer a different day', false],
    ['reschedule please', false],
    ['yeah, actually I need to reschedule', false],
    ['yes, no need to reschedule', true],
    ["yes, I'll be there", true],
    ['yeah that works', true],
    ["I'd like that", true],
    ['no, something came up', false],
    ['yes, can I bring my son?', true],
  ])('"%s" → %s', (text, expected) => {
    expect(understand(text).capture?.value).toBe(expected);
  });

  it.each([
    'no need to reschedule',
    "I don't need to reschedule",
    'can I bring my son?',
    'is that at the main office?',
  ])('"%s" answers neither yes nor no', (text) => {
    expect(understand(text).capture).toBeUndefined();
  });
});

describe('payment-reminder › reminder (choice)', () => {
  const understand = listener('payment-reminder', 'reminder');

  it.each([
    ['let me talk to billing', 'pay_now'],
    ['billing please', 'pay_now'],
    ['I can pay today', 'pay_now'],
    ['I can pay it today', 'pay_now'],
    ["I'd like to pay it now", 'pay_now'],
    ["I can't pay today", 'need_time'],
    ['not right now', 'need_time'],
    ['I need a little more time', 'need_time'],
    ['I paid it yesterday', 'already_paid'],
  ])('"%s" → %s', (text, expected) => {
    const result = understand(text);
    expect(result.intent).toBeUndefined();
    expect(result.capture?.value).toBe(expected);
  });

  it.each(['no', 'yes', 'nope', 'no thanks', 'yeah sure', 'let me talk to my wife'])('"%s" picks no option', (text) => {
    expect(understand(text).capture).toBeUndefined();
  });

  it('sends a request for a person to the ask_human global, not to an option', () => {
    // "billing" names what the call is about, not a person: "let me talk to billing" is
    // the pay-now option (same transfer, and payment_choice is recorded), while a request
    // for a person goes to the global, which wins over a capture
    expect(understand('can I talk to a real person').intent?.id).toBe('global:g_human');
    expect(understand('let me talk to billing').intent).toBeUndefined();
  });
});

describe('satisfaction-survey › q_overall (choice): a bare yes/no is no rating', () => {
  const understand = listener('satisfaction-survey', 'q_overall');

  it.each(['no', 'nope', 'nah', 'no thanks', 'yes', 'yeah', 'uh huh'])('"%s" picks no rating', (text) => {
    expect(understand(text).capture).toBeUndefined();
  });

  it.each([
    ['not good', 'poor'],
    ['not great', 'poor'],
    ['no, not great', 'poor'],
    ['it was bad', 'poor'],
    ['great', 'excellent'],
    ['pretty good', 'good'],
    ['it was okay', 'fair'],
  ])('"%s" → %s', (text, expected) => {
    expect(understand(text).capture?.value).toBe(expected);
  });
});
