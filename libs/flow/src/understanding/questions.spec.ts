import { describe, expect, it } from 'vitest';
import { normalize } from './normalize.js';
import { hasQuestion, questionFlags } from './questions.js';

/** the words of the turn inside an information question, joined */
function asked(text: string): string {
  const { tokens } = normalize(text);
  const flags = questionFlags(tokens);
  return tokens.filter((_, i) => flags[i]).join(' ');
}

describe('information questions', () => {
  it.each([
    ['what kind of panels do you use?', 'what kind of panels do you use'],
    ['how much does it cost?', 'how much does it cost'],
    ['do you do roofs too?', 'do you do roofs too'],
    ['is there a tax credit?', 'is there a tax credit'],
    ['are solar panels expensive', 'are solar panels expensive'],
    ['have you installed many?', 'have you installed many'],
    ['should I bring anything?', 'should i bring anything'],
    ['will it cost anything', 'will it cost anything'],
    ['can you tell me the price?', 'can you tell me the price'],
    ['I was wondering about the price', 'i was wondering about the price'],
    // a stance before the question stays outside it
    ['sure, what time works?', 'what time works'],
    ['yes what time works', 'what time works'],
    ['okay but how much is it', 'how much is it'],
    // a conjunction ends it
    ["how much is it and yes, let's do it", 'how much is it'],
    ['I rent, is that a problem?', 'is that a problem'],
  ])('"%s" asks "%s"', (text, question) => {
    expect(asked(text)).toBe(question);
  });

  it.each([
    // requests phrased as questions
    'can you send someone out?',
    'could I get a quote?',
    'can we reschedule',
    'would you call me tomorrow',
    // statements that start like questions
    'why not',
    'who knows',
    'when I get paid I will call',
    'what I said was no',
    'I know what you mean',
    'do it',
    'do not call me',
    'was great',
    'is fine',
    'have someone come out',
    'have a good day',
    'yes',
    '',
  ])('"%s" asks nothing', (text) => {
    expect(hasQuestion(normalize(text).tokens)).toBe(false);
  });
});
