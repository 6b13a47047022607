import { describe, expect, it } from 'vitest';
import { LocalUnderstanding } from './local-understanding.js';
import type { ExtractSpec } from './types.js';

const understanding = new LocalUnderstanding();

function extract(text: string, specs: ExtractSpec[]): Record<string, unknown> {
  return understanding.understand({
    text,
    candidates: [],
    extract: specs,
    now: new Date('2026-03-07T15:30:00Z'),
    timezone: 'America/New_York',
    locale: 'en-US',
  }).extracted;
}

const SPECS: ExtractSpec[] = [
  { var: 'callback_at', type: 'datetime', description: 'when to call the callee back' },
  { var: 'cancel_reason', type: 'text', description: 'why the callee wants to cancel' },
  { var: 'kids', type: 'number', description: 'how many children live at home' },
];

describe('extraction', () => {
  it.each([
    ["I want to cancel because I'm moving", { cancel_reason: "I want to cancel because I'm moving" }],
    ['call me tomorrow at 3', { callback_at: '2026-03-08T15:00:00-04:00' }],
    ['we have two kids', { kids: 2 }],
    ['who is this?', {}],
    ['the weather is nice', {}],
    ['', {}],
  ])('"%s" → %j', (text, expected) => {
    expect(extract(text, SPECS)).toEqual(expected);
  });

  it('does not take a clock time or a duration for a count', () => {
    expect(extract('in 2 hours', [{ var: 'kids', type: 'number' }])).toEqual({});
    expect(extract('at 5', [{ var: 'kids', type: 'number' }])).toEqual({});
    expect(extract('maybe 3', [{ var: 'kids', type: 'number' }])).toEqual({ kids: 3 });
  });

  it('gives each clause to the spec it mentions when specs share a type', () => {
    const party: ExtractSpec[] = [
      { var: 'adults', type: 'number', description: 'number of adults' },
      { var: 'children', type: 'number', description: 'number of children' },
    ];
    expect(extract('two adults and three kids', party)).toEqual({ adults: 2, children: 3 });
    expect(extract('just the three children', party)).toEqual({ children: 3 });
    expect(extract('three', party)).toEqual({});
  });

  it('needs a clear stance for yes/no', () => {
    const specs: ExtractSpec[] = [
      { var: 'interested', type: 'yes_no', description: 'whether the callee is interested' },
    ];
    expect(extract('yes, definitely', specs)).toEqual({ interested: true });
    expect(extract('not really', specs)).toEqual({ interested: false });
    expect(extract('I guess', specs)).toEqual({});
    expect(extract('who is this', specs)).toEqual({});
  });

  it('needs three digits for a digit string, and a valid number for a phone', () => {
    const specs: ExtractSpec[] = [
      { var: 'member_id', type: 'digits', description: 'membership number' },
      { var: 'phone', type: 'phone', description: 'best number to reach them' },
    ];
    expect(extract('my member id is 4 8 1 5', [specs[0] as ExtractSpec])).toEqual({ member_id: '4815' });
    expect(extract('I have one question', [specs[0] as ExtractSpec])).toEqual({});
    expect(extract('reach me at 415 555 0134', [specs[1] as ExtractSpec])).toEqual({ phone: '+14155550134' });
  });

  it('takes text only when the description keywords are said', () => {
    const specs: ExtractSpec[] = [{ var: 'allergies', type: 'text', description: 'any allergies the patient has' }];
    expect(extract('what time is it', specs)).toEqual({});
    expect(extract("I'm allergic to penicillin", specs)).toEqual({ allergies: "I'm allergic to penicillin" });
    expect(extract('my allergies are penicillin and latex', specs)).toEqual({
      allergies: 'my allergies are penicillin and latex',
    });
    expect(extract("I don't have allergies", specs)).toEqual({});
  });

  it('skips choice specs, which carry no values', () => {
    expect(extract('the first one', [{ var: 'slot', type: 'choice' }])).toEqual({});
  });
});
