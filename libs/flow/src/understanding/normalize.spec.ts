import { describe, expect, it } from 'vitest';
import { firstWords } from './first-words.js';
import { normalize, stem, stemsMatch, surfaceStem } from './normalize.js';

describe('normalize', () => {
  it.each([
    ["Don't call me!", 'do not call me'],
    ['I don’t know', 'i do not know'],
    ["I'd like to talk", 'i would like to talk'],
    ["it's like, um, fine", 'it is | fine'],
    ['Well, no. Thanks', 'no | thanks'],
    ['very well', 'very well'],
    ['Uh huh', 'uhhuh'],
    ['mm-hmm', 'uhhuh'],
    ['uh-uh', 'uhuh'],
    ['dont cant wont im', 'do not can not will not i am'],
    ['OK', 'okay'],
    ["Ana's number", 'ana number'],
    ['it costs $1,200.50?', 'it costs 1,200.50'],
    ['yes... no', 'yes | no'],
    ['so, it was so-so', 'it was soso'],
    ['you know, I think so, you know', 'i think so'],
    ['do you know him', 'do you know him'],
    ['', ''],
  ])('%j → %j', (raw, text) => {
    expect(normalize(raw).text).toBe(text);
  });
});

describe('stem', () => {
  it.each([
    ['scheduling', 'schedul'],
    ['scheduled', 'schedul'],
    ['schedules', 'schedul'],
    ['companies', 'compani'],
    ['cancelled', 'cancel'],
    ['cancellation', 'cancel'],
    ['appointments', 'appoint'],
    ['someone', 'person'],
    ['somebody', 'person'],
    ['speaking', 'talk'],
    ['representatives', 'agent'],
  ])('%s → %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it('keeps the word its own form before merging concepts', () => {
    expect(stem('billing')).toBe('pay');
    expect(surfaceStem('billing')).toBe('bill');
    expect(stem('payment')).toBe('pay');
    expect(surfaceStem('payment')).toBe('payment');
    expect(surfaceStem('pay')).toBe('pay');
    expect(surfaceStem('someone')).toBe('someon');
    expect(surfaceStem('scheduling')).toBe(stem('scheduling'));
  });

  it('matches a slip in a long word only', () => {
    expect(stemsMatch(stem('insurance'), stem('insurence'))).toBe(true);
    expect(stemsMatch('cost', 'cast')).toBe(false);
    expect(stemsMatch('reschedul', 'schedul')).toBe(false);
  });
});

describe('firstWords', () => {
  it.each([
    ['(?:stop|quit) (?:the )?calling', ['stop', 'quit']],
    ['(?:a |an )?(?:real )?(?:person|human)', ['a', 'an', 'real', 'person', 'human']],
    ['hello(?: hello)*', ['hello']],
    ['(?:i )?(?:have )?no idea', ['i', 'have', 'no']],
    ['this is not (?!(?:a|an)\\b)[a-z]+', ['this']],
  ])('%s starts with %j', (source, words) => {
    expect([...(firstWords(source) ?? [])].sort()).toEqual([...words].sort());
  });

  it.each(['[a-z]+ does not', 'opts? out', '(?:a )?'])('%s may start anywhere', (source) => {
    expect(firstWords(source)).toBeUndefined();
  });
});
