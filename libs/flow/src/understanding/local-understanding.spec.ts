import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalUnderstanding } from './local-understanding.js';
import type { IntentCandidate, UnderstandRequest } from './types.js';

const understanding = new LocalUnderstanding();
const NOW = new Date('2026-03-07T15:30:00Z');

function request(text: string, extra: Partial<UnderstandRequest> = {}): UnderstandRequest {
  return { text, candidates: [], now: NOW, timezone: 'America/New_York', locale: 'en-US', ...extra };
}

const GLOBALS: IntentCandidate[] = [
  { id: 'global:g_stop', intent: 'opt_out' },
  { id: 'global:g_who', intent: 'who_is_calling' },
  { id: 'global:g_later', intent: 'call_back_later' },
];

describe('LocalUnderstanding', () => {
  it('answers a question turn with intent and capture side by side', () => {
    const result = understanding.understand(
      request('yes, who is this?', { candidates: GLOBALS, capture: { type: 'yes_no' } }),
    );
    expect(result).toEqual({
      intent: { id: 'global:g_who', confidence: 0.95 },
      capture: { value: true, confidence: 0.95 },
      extracted: {},
    });
  });

  it('leaves out what it did not find', () => {
    const result = understanding.understand(
      request('purple elephants', { candidates: GLOBALS, capture: { type: 'yes_no' } }),
    );
    expect(result).toEqual({ extracted: {} });
    expect('capture' in result).toBe(false);
    expect('intent' in result).toBe(false);
  });

  it('lets a value answer win over call_back_later, and nothing else', () => {
    const ask = (text: string) =>
      understanding.understand(request(text, { candidates: GLOBALS, capture: { type: 'datetime' } }));
    const answer = ask('call me back tomorrow at 3');
    expect(answer.intent).toBeUndefined();
    expect(answer.capture?.value).toBe('2026-03-08T15:00:00-04:00');
    expect(ask('call me back later').intent?.id).toBe('global:g_later');
    expect(ask('stop calling me, not tomorrow at 3').intent?.id).toBe('global:g_stop');
    // a yes/no question keeps the global: "yes, call me later" asks for the callback
    const yesNo = understanding.understand(
      request('yes, call me back later', { candidates: GLOBALS, capture: { type: 'yes_no' } }),
    );
    expect(yesNo.intent?.id).toBe('global:g_later');
  });

  it('runs an llm turn: intent edge plus extraction', () => {
    const result = understanding.understand(
      request("it's usually around 180 dollars a month, and sure, I'd like a consultation", {
        candidates: [
          ...GLOBALS,
          {
            id: 'edge:e_consult',
            label: 'Wants a consultation',
            prompt: 'The homeowner agrees to, or asks for, a free in-home consultation or quote',
            examples: ["sure, let's set something up", "yeah, I'd like a consultation", 'book me in'],
          },
          {
            id: 'edge:e_renter',
            prompt: 'The caller does not own the home: they rent or lease it',
            examples: ['I rent', "we're renting"],
          },
        ],
        extract: [{ var: 'monthly_bill', type: 'number', description: 'Average monthly electric bill in US dollars' }],
      }),
    );
    expect(result.intent?.id).toBe('edge:e_consult');
    expect(result.extracted).toEqual({ monthly_bill: 180 });
  });

  it('is deterministic', () => {
    const input = request('um, call me back in two hours', { candidates: GLOBALS, capture: { type: 'datetime' } });
    expect(understanding.understand(input)).toEqual(understanding.understand(input));
  });

  it('takes the phone region from the locale unless told otherwise', () => {
    const uk = understanding.understand(request('020 7946 0958', { capture: { type: 'phone' }, locale: 'en-GB' }));
    expect(uk.capture?.value).toBe('+442079460958');
    const forced = new LocalUnderstanding({ defaultCountry: 'GB' }).understand(
      request('020 7946 0958', { capture: { type: 'phone' } }),
    );
    expect(forced.capture?.value).toBe('+442079460958');
  });

  it('imports nothing from Node, so it runs in the browser', () => {
    const dir = new URL('.', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      expect(source, file).not.toMatch(/from ['"](?:node:|fs|path|os|crypto|util|url)['"/]/);
      expect(source, file).not.toMatch(/\bprocess\.|\bBuffer\b|\brequire\(/);
    }
  });
});
