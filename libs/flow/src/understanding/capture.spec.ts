import { describe, expect, it } from 'vitest';
import type { ChoiceValue } from '../schema/index.js';
import { countryOfLocale, findPhone } from './capture.js';
import { LocalUnderstanding } from './local-understanding.js';
import type { CaptureSpec, UnderstandResult } from './types.js';

const understanding = new LocalUnderstanding();
const NOW = new Date('2026-03-07T15:30:00Z');

function capture(text: string, spec: CaptureSpec, locale = 'en-US'): UnderstandResult['capture'] {
  return understanding.understand({
    text,
    candidates: [],
    capture: spec,
    now: NOW,
    timezone: 'America/New_York',
    locale,
  }).capture;
}

function captured(text: string, spec: CaptureSpec): unknown {
  return capture(text, spec)?.value;
}

describe('typed capture', () => {
  describe('yes_no → boolean', () => {
    it.each([
      ["yes that's me", true],
      ['yeah sure', true],
      ['speaking', true],
      ['that would be great', true],
      ['no problem', true],
      ["no, it's not", false],
      ['nope', false],
      ['wrong number', false],
      ['not interested, stop calling', false],
      ['yes... actually no', false],
      // a change of the booking declines it as it stands
      ['I need to reschedule', false],
      ["I'd like to reschedule", false],
      ['can we move it', false],
      ['I have to change the time', false],
      ['yes, no need to reschedule', true],
      // a question answers nothing, a stance before it does
      ['sure, what time works?', true],
    ])('"%s" → %s', (text, expected) => {
      expect(captured(text, { type: 'yes_no' })).toBe(expected);
    });

    it.each([
      "I'm not sure",
      'who is this?',
      'I know',
      'maybe',
      'what kind of parking do you have?',
      'is that okay?',
      'no need to reschedule',
    ])('"%s" captures nothing', (text) => {
      expect(capture(text, { type: 'yes_no' })).toBeUndefined();
    });
  });

  describe('choice → value id', () => {
    const slots: ChoiceValue[] = [
      { id: 'tue_am', label: 'Tuesday morning' },
      { id: 'wed_pm', label: 'Wednesday afternoon', synonyms: ['midweek'] },
      { id: 'none', label: 'Neither works' },
    ];
    it.each([
      ['Tuesday morning please', 'tue_am'],
      ['wednesday afternoon', 'wed_pm'],
      ['midweek', 'wed_pm'],
      ['tuesday', 'tue_am'],
      ['the morning one', 'tue_am'],
      ['the first one', 'tue_am'],
      ['number two', 'wed_pm'],
      ['option 2', 'wed_pm'],
      ['2', 'wed_pm'],
      ['the last one', 'none'],
      ['neither', 'none'],
      ['not tuesday, wednesday', 'wed_pm'],
      ['tuesday mornin', 'tue_am'],
    ])('"%s" → %s', (text, expected) => {
      expect(captured(text, { type: 'choice', values: slots })).toBe(expected);
    });

    it.each(['tuesday or wednesday', 'I am not sure', 'the fifth one', 'who is this'])('"%s" picks none', (text) => {
      expect(capture(text, { type: 'choice', values: slots })).toBeUndefined();
    });

    it('leaves a shared word ambiguous', () => {
      const days: ChoiceValue[] = [
        { id: 'tue_am', label: 'Tuesday morning' },
        { id: 'tue_pm', label: 'Tuesday afternoon' },
      ];
      expect(capture('tuesday', { type: 'choice', values: days })).toBeUndefined();
      expect(captured('tuesday afternoon', { type: 'choice', values: days })).toBe('tue_pm');
      expect(captured('the afternoon', { type: 'choice', values: days })).toBe('tue_pm');
    });

    it('maps yes/no and related words onto values that mean them', () => {
      const actions: ChoiceValue[] = [
        { id: 'confirm', label: 'Yes, confirm' },
        { id: 'reschedule', label: 'Reschedule' },
        { id: 'cancel', label: 'Cancel it' },
      ];
      expect(captured('yeah sure', { type: 'choice', values: actions })).toBe('confirm');
      expect(captured('I need to move it to another day', { type: 'choice', values: actions })).toBe('reschedule');
      expect(captured('cancel please', { type: 'choice', values: actions })).toBe('cancel');
      expect(capture('I know', { type: 'choice', values: actions })).toBeUndefined();
    });

    it('reads numbers as positions only when no label holds a number', () => {
      const times: ChoiceValue[] = [
        { id: 'nine', label: '9 am' },
        { id: 'two', label: '2 pm' },
      ];
      expect(captured('2', { type: 'choice', values: times })).toBe('two');
      expect(captured('9 am', { type: 'choice', values: times })).toBe('nine');
      expect(captured('the first one', { type: 'choice', values: times })).toBe('nine');
    });

    it('matches ratings said with stance words', () => {
      const ratings: ChoiceValue[] = [
        { id: 'excellent', label: 'Excellent', synonyms: ['great', 'perfect'] },
        { id: 'good', label: 'Good', synonyms: ['pretty good', 'fine'] },
        { id: 'fair', label: 'Fair', synonyms: ['okay', 'so-so', 'meh'] },
        { id: 'poor', label: 'Poor', synonyms: ['bad', 'not good'] },
      ];
      const rate = (text: string) => captured(text, { type: 'choice', values: ratings });
      expect(rate('it was great')).toBe('excellent');
      expect(rate('good')).toBe('good');
      expect(rate('it was pretty good')).toBe('good');
      expect(rate('it was so-so')).toBe('fair');
      expect(rate('honestly, it was okay')).toBe('fair');
      expect(rate('not good at all')).toBe('poor');
      expect(rate('not great')).toBe('poor');
      expect(rate('yes')).toBeUndefined();
    });

    describe('a bare yes/no picks only a value that says yes/no', () => {
      const ratings: ChoiceValue[] = [
        { id: 'excellent', label: 'Excellent', synonyms: ['great', 'perfect'] },
        { id: 'good', label: 'Good', synonyms: ['pretty good', 'fine'] },
        { id: 'poor', label: 'Poor', synonyms: ['bad', 'not good'] },
      ];
      const plan: ChoiceValue[] = [
        { id: 'pay_now', label: 'Pay now' },
        { id: 'need_time', label: 'Need more time', synonyms: ['not yet', 'not right now'] },
      ];
      const answers: ChoiceValue[] = [
        { id: 'confirm', label: 'Yes, confirm' },
        { id: 'decline', label: 'No, cancel it' },
        { id: 'later', label: 'Decide later' },
      ];
      const correct: ChoiceValue[] = [
        { id: 'right', label: 'Correct' },
        { id: 'wrong', label: 'Incorrect' },
      ];
      it.each([
        ['no', ratings],
        ['nope', ratings],
        ['nah, thanks', ratings],
        ['no thanks', ratings],
        ['yes', ratings],
        ['yeah', ratings],
        ['no', plan],
        ['nope', plan],
        ['yes', plan],
        // a yes/no implied by a change request is not said in yes/no words
        ['I need to reschedule', answers],
      ])('"%s" picks nothing from %j', (text, values) => {
        expect(capture(text, { type: 'choice', values })).toBeUndefined();
      });

      it.each([
        ['yeah', answers, 'confirm'],
        ['absolutely', answers, 'confirm'],
        ['nope', answers, 'decline'],
        ['yes', correct, 'right'],
        ['no', correct, 'wrong'],
        // a description picks a value that describes
        ['not great', ratings, 'poor'],
        ['no, not great', ratings, 'poor'],
        ['not really happy', ratings, 'poor'],
        ['not now', plan, 'need_time'],
      ])('"%s" → %s', (text, values, expected) => {
        expect(captured(text, { type: 'choice', values })).toBe(expected);
      });
    });

    describe('partial matches on words', () => {
      const reminder: ChoiceValue[] = [
        {
          id: 'pay_now',
          label: 'Pay now',
          synonyms: ['pay it now', 'pay over the phone', "I'd like to pay", 'take a payment', 'billing team'],
        },
        { id: 'already_paid', label: 'Already paid', synonyms: ['I already paid', 'sent a check', 'paid online'] },
        {
          id: 'need_time',
          label: 'Need more time',
          synonyms: ['more time', 'payment plan', "can't pay right now", 'not yet'],
        },
      ];
      it.each([
        // "billing" shares its concept (pay) with "payment plan", not its word
        ['let me talk to billing', 'pay_now'],
        ['put me through to the billing people', 'pay_now'],
        // "pay" is said positively only by pay_now ("can't pay right now" negates it)
        ['I can pay today', 'pay_now'],
        ['I will pay with my card today', 'pay_now'],
        ["I can't pay today", 'need_time'],
        ['I cannot pay until Friday', 'need_time'],
        ['can I get a payment plan', 'need_time'],
        ['I mailed a check', 'already_paid'],
      ])('"%s" → %s', (text, expected) => {
        expect(captured(text, { type: 'choice', values: reminder })).toBe(expected);
      });

      it.each(['let me talk to my wife', 'I have a question', 'what is this about'])('"%s" picks nothing', (text) => {
        expect(capture(text, { type: 'choice', values: reminder })).toBeUndefined();
      });
    });

    it('does not take "no problem" for a value whose synonym is "no"', () => {
      const answers: ChoiceValue[] = [
        { id: 'keep', label: 'Keep it', synonyms: ['yes'] },
        { id: 'drop', label: 'Drop it', synonyms: ['no'] },
      ];
      expect(captured('no problem', { type: 'choice', values: answers })).toBe('keep');
      expect(captured('nope', { type: 'choice', values: answers })).toBe('drop');
    });
  });

  describe('number → number', () => {
    it.each([
      ['42', 42],
      ['forty two', 42],
      ['$1,200', 1200],
      ['one hundred and five', 105],
      ['a dozen', 12],
      ['two point five', 2.5],
      ["I'd say about seven", 7],
    ])('"%s" → %d', (text, expected) => {
      expect(captured(text, { type: 'number' })).toBe(expected);
    });

    it('captures nothing without a number', () => {
      expect(capture('I want that one', { type: 'number' })).toBeUndefined();
    });
  });

  describe('date, time and datetime', () => {
    it('resolves against the call clock in the flow zone', () => {
      expect(captured('tomorrow at 3', { type: 'datetime' })).toBe('2026-03-08T15:00:00-04:00');
      expect(captured('next Tuesday', { type: 'date' })).toBe('2026-03-10');
      expect(captured('at three thirty', { type: 'time' })).toBe('15:30');
    });

    it('captures nothing without a date', () => {
      expect(capture('no idea', { type: 'date' })).toBeUndefined();
    });
  });

  describe('phone → E.164', () => {
    it.each([
      ['my number is 415 555 0134', '+14155550134'],
      ['four one five five five five zero one three four', '+14155550134'],
      ['four one five, five five five, oh one three four', '+14155550134'],
      ['(415) 555-0134', '+14155550134'],
      ['area code 415, then 555 0134', '+14155550134'],
      ['+44 20 7946 0958', '+442079460958'],
      ['one eight hundred five five five zero one hundred', '+18005550100'],
    ])('"%s" → %s', (text, expected) => {
      expect(captured(text, { type: 'phone' })).toBe(expected);
    });

    it.each(['5550134', 'my number is the same', ''])('"%s" is no phone number', (text) => {
      expect(capture(text, { type: 'phone' })).toBeUndefined();
    });

    it('reads national numbers in the region of the locale', () => {
      expect(captured('020 7946 0958', { type: 'phone' })).toBeUndefined();
      expect(capture('020 7946 0958', { type: 'phone' }, 'en-GB')?.value).toBe('+442079460958');
      expect(findPhone('020 7946 0958', 'GB')?.value).toBe('+442079460958');
      expect(countryOfLocale('en-GB')).toBe('GB');
      expect(countryOfLocale('en')).toBe('US');
      expect(countryOfLocale('xx-ZZ')).toBe('US');
    });
  });

  describe('digits → string', () => {
    it.each([
      ['1 2 3 4', '1234'],
      ['one two three four', '1234'],
      ['1234', '1234'],
      ['my code is nine eight seven', '987'],
    ])('"%s" → %s', (text, expected) => {
      expect(captured(text, { type: 'digits' })).toBe(expected);
    });

    it('captures nothing without digits', () => {
      expect(capture('I forgot it', { type: 'digits' })).toBeUndefined();
    });
  });

  describe('text → verbatim', () => {
    it('keeps the words as said, trimmed', () => {
      expect(captured("  I'd rather not say, honestly.  ", { type: 'text' })).toBe("I'd rather not say, honestly.");
    });

    it('captures nothing from an empty turn', () => {
      expect(capture('   ', { type: 'text' })).toBeUndefined();
    });
  });

  it('reports a confidence between 0 and 1', () => {
    for (const result of [
      capture('yes', { type: 'yes_no' }),
      capture('42', { type: 'number' }),
      capture('tomorrow at 3', { type: 'datetime' }),
    ]) {
      expect(result?.confidence).toBeGreaterThan(0);
      expect(result?.confidence).toBeLessThanOrEqual(1);
    }
  });
});
