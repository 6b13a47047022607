import { describe, expect, it } from 'vitest';
import { matchCandidates } from './candidates.js';
import type { IntentCandidate } from './types.js';
import { Utterance } from './utterance.js';

function match(text: string, candidates: readonly IntentCandidate[]): string | undefined {
  return matchCandidates(candidates, new Utterance(text))?.id;
}

/** globals first, then the intent edges of an llm node, as the runtime orders them */
const CANDIDATES: IntentCandidate[] = [
  { id: 'g_stop', intent: 'opt_out' },
  { id: 'g_human', prompt: 'asks for a person', examples: ['agent'] },
  { id: 'g_who', intent: 'who_is_calling' },
  {
    id: 'e_book',
    label: 'Wants to book',
    prompt: 'The callee wants to book an appointment',
    examples: ['I want to book', 'schedule me in', "yes, let's book it"],
  },
  { id: 'e_price', prompt: 'The callee asks about pricing or cost' },
  { id: 'e_resched', label: 'Reschedule', prompt: 'The callee wants to reschedule' },
  { id: 'e_decline', label: 'Not interested', examples: ['not interested', 'no thanks'] },
];

describe('matchCandidates', () => {
  it.each([
    ['stop calling me', 'g_stop'],
    ['who is this?', 'g_who'],
    // prompt "asks for a person" describes ask_human: every phrasing of it matches
    ['operator', 'g_human'],
    ['can I talk to a real person', 'g_human'],
    ['agent', 'g_human'],
    // examples, by overlap of stems
    ['I want to book a cleaning', 'e_book'],
    ['can you schedule me for next week', 'e_book'],
    // prompt-only edges, by keywords and their synonyms
    ['how much does it cost?', 'e_price'],
    ['is it expensive', 'e_price'],
    ['what are your prices', 'e_price'],
    ['I need to move my appointment', 'e_resched'],
    ['can we reschedule', 'e_resched'],
    // examples that are a bare "no" match every no
    ['nope', 'e_decline'],
    ["I don't think so", 'e_decline'],
    ["I don't want to book anything", 'e_decline'],
  ])('"%s" → %s', (text, id) => {
    expect(match(text, CANDIDATES)).toBe(id);
  });

  it.each([
    'I know',
    'no problem',
    'what appointment?',
    'yes',
    'the weather is nice today',
    "I'd like to talk to my wife first",
    '',
  ])('"%s" matches no candidate', (text) => {
    expect(match(text, CANDIDATES)).toBeUndefined();
  });

  it('does not match a negated keyword', () => {
    expect(match('I do not want to reschedule', CANDIDATES)).not.toBe('e_resched');
    expect(match('I do not want to reschedule', [CANDIDATES[5] as IntentCandidate])).toBeUndefined();
  });

  it('gives a confidence between the threshold and 1', () => {
    const result = matchCandidates(CANDIDATES, new Utterance('how much does it cost?'));
    expect(result?.confidence).toBeGreaterThanOrEqual(0.65);
    expect(result?.confidence).toBeLessThanOrEqual(1);
  });

  it('lets opt_out win over a candidate that scores higher', () => {
    const candidates: IntentCandidate[] = [
      { id: 'e_pause', label: 'Pause', examples: ['stop', 'wait'] },
      { id: 'g_stop', intent: 'opt_out' },
    ];
    expect(match('stop', candidates)).toBe('g_stop');
    expect(match('wait', candidates)).toBe('e_pause');
  });

  it('gives ties to the earlier candidate', () => {
    const candidates: IntentCandidate[] = [
      { id: 'first', intent: 'yes' },
      { id: 'second', intent: 'yes' },
    ];
    expect(match('yes', candidates)).toBe('first');
    expect(match('yes', [...candidates].reverse())).toBe('second');
  });

  it('prefers the specific intent to the stance beside it', () => {
    const candidates: IntentCandidate[] = [
      { id: 'e_yes', intent: 'yes' },
      { id: 'g_who', intent: 'who_is_calling' },
    ];
    expect(match('yes, who is this?', candidates)).toBe('g_who');
  });

  it('maps prompts and labels that describe a built-in', () => {
    const cases: ReadonlyArray<readonly [IntentCandidate, string]> = [
      [{ id: 'c', prompt: 'The caller asks to speak with a human' }, 'representative please'],
      [{ id: 'c', label: 'Wants a person' }, 'get me a manager'],
      [{ id: 'c', prompt: 'The callee asks to be removed from the list' }, 'unsubscribe'],
      [{ id: 'c', prompt: 'The callee asks who is calling' }, 'what company is this'],
      [{ id: 'c', prompt: 'This is the wrong number' }, 'nobody by that name here'],
      [{ id: 'c', prompt: 'The callee is busy and wants a call back' }, "I'm driving"],
      [{ id: 'c', prompt: 'The callee did not hear and wants it repeated' }, 'pardon?'],
      [{ id: 'c', prompt: 'The callee agrees' }, 'sounds good'],
      [{ id: 'c', prompt: 'The callee declines' }, 'no thanks'],
      [{ id: 'c', label: 'Not interested' }, 'nah'],
    ];
    for (const [candidate, text] of cases)
      expect(match(text, [candidate]), `${JSON.stringify(candidate)} / ${text}`).toBe('c');
  });

  it('infers a built-in from examples that are phrasings of it', () => {
    const human: IntentCandidate = { id: 'h', examples: ['can I talk to someone', 'real person please'] };
    expect(match('operator', [human])).toBe('h');
    expect(match('transfer me to a representative', [human])).toBe('h');
  });

  it('halves the similarity when only one side is negated', () => {
    const book: IntentCandidate = { id: 'book', examples: ['I want to book an appointment'] };
    expect(match('I want to book an appointment for Friday', [book])).toBe('book');
    expect(match('I do not want to book an appointment', [book])).toBeUndefined();
  });

  it('forgives a slip in a long word', () => {
    const insurance: IntentCandidate = { id: 'ins', examples: ['question about my insurance'] };
    expect(match('I have a question about my insurence', [insurance])).toBe('ins');
  });

  describe('information questions', () => {
    const consult: IntentCandidate = {
      id: 'consult',
      label: 'Wants a consultation',
      prompt: 'The homeowner agrees to, or asks for, a free in-home consultation or quote',
      examples: ["sure, let's set something up", "yeah, I'd like a consultation", 'that sounds good'],
    };
    const agrees: IntentCandidate = { id: 'agrees', prompt: 'The caller wants a free quote' };
    const pricing: IntentCandidate = { id: 'pricing', label: 'Pricing' };
    const asksPrice: IntentCandidate = { id: 'asks_price', prompt: 'The callee asks about pricing or cost' };
    const priceExamples: IntentCandidate = { id: 'price_examples', examples: ['how much is it?', 'what does it cost'] };
    const candidates = [consult, agrees, pricing, asksPrice, priceExamples];

    it.each([
      ['what kind of panels do you use?', consult],
      ['what is a consultation?', consult],
      ['how much is the consultation?', consult],
      ['do you do consultations on weekends?', consult],
      ['is the quote free?', agrees],
      ['what is in the quote?', agrees],
    ])('"%s" is not placed on %o', (text, candidate) => {
      expect(match(text, [candidate])).toBeUndefined();
    });

    it.each([
      // the stance or request said beside the question still counts
      ['sure, what time works?', consult],
      ['yes, how much does it cost?', consult],
      ["yeah, I'd like a consultation. How much is it?", consult],
      ['could I get a free quote?', agrees],
      ['can you give me a free quote', agrees],
      // candidates that take questions
      ['how much does it cost?', asksPrice],
      ['what is the pricing?', pricing],
      ['how much is it for the panels?', priceExamples],
    ])('"%s" is placed on %o', (text, candidate) => {
      expect(match(text, [candidate])).toBe(candidate.id);
      expect(match(text, candidates)).toBeDefined();
    });
  });

  it('does not recompile when the runtime passes a fresh copy of the same list', () => {
    const copy = CANDIDATES.map((c) => ({ ...c }));
    expect(match('how much does it cost?', copy)).toBe('e_price');
  });
});
