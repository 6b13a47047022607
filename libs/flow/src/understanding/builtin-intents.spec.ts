import { describe, expect, it } from 'vitest';
import type { BuiltinIntent } from '../schema/index.js';
import { SPECIFIC_INTENTS, detectIntents, type IntentDetection } from './builtin-intents.js';
import { normalize } from './normalize.js';

function detect(text: string): IntentDetection {
  return detectIntents(normalize(text));
}

/** the strongest intent; among equals the specific one listed first, then yes/no */
function top(text: string): BuiltinIntent | undefined {
  const { scores } = detect(text);
  let best: BuiltinIntent | undefined;
  let bestScore = 0;
  for (const intent of [...SPECIFIC_INTENTS, 'yes', 'no'] as const) {
    const score = scores[intent] ?? 0;
    if (score > bestScore) {
      best = intent;
      bestScore = score;
    }
  }
  return bestScore >= 0.6 ? best : undefined;
}

const PHRASINGS: Record<BuiltinIntent, readonly string[]> = {
  opt_out: [
    'take me off your list',
    'stop calling me',
    "don't call me again",
    'remove my number',
    'unsubscribe',
    'put me on your do not call list',
    'Please stop calling this number.',
    'I want to be removed from your list',
    'do not contact me again',
    'no more calls please',
    'delete my information',
    'opt me out',
    'never call here again',
    'just leave me alone',
    'lose my number',
    "I don't want any more calls",
    'Stop.',
    "I'm on the do not call registry",
    'DONT CALL ME',
    'can you not call me anymore',
    "I'd like my number removed",
    'how do I get removed?',
  ],
  ask_human: [
    'can I talk to a real person',
    'operator',
    'representative',
    'agent please',
    'let me speak to someone',
    'I want to speak with a human',
    'transfer me to a representative',
    'get me a manager',
    'is there a real person I can talk to',
    'connect me to customer service',
    'I need a live agent',
    "I'd like to talk to somebody",
    "I won't talk to a robot",
    'a human please',
    'Representative!',
  ],
  who_is_calling: [
    'who is this?',
    "who's calling",
    'what company is this',
    'where are you calling from',
    'who am I speaking with',
    'who are you',
    'what company are you with',
    'who do you work for',
    'may I ask who is calling',
    'what is this call about',
    "what's your name",
    'where is this call coming from',
    'sorry, who is this?',
    'and you are?',
    'Whos this',
  ],
  wrong_person: [
    'wrong number',
    'you have the wrong person',
    "there's no Ana here",
    "she doesn't live here",
    "you've got the wrong number",
    'nobody by that name lives here',
    "I don't know any Ana",
    "this isn't her number anymore",
    'Ana moved out years ago',
    'no one here by that name',
    'nobody named Ana lives here',
    "this isn't Ana",
    'he passed away last year',
    'you have the wrong house',
    "that's not the right number",
  ],
  call_back_later: [
    'call me back later',
    "I'm busy right now",
    'can you call tomorrow',
    "this isn't a good time",
    "I can't talk right now",
    "I'm driving",
    'try again later',
    'call me back in an hour',
    "I'm in a meeting",
    'can you call me on Monday',
    'not right now',
    'maybe later',
    'bad time, sorry',
    'call back after 5',
    "she's not here right now",
  ],
  repeat: [
    'can you repeat that',
    'say that again',
    'sorry what?',
    'pardon?',
    "I didn't catch that",
    'come again?',
    'what did you say',
    "I didn't hear you",
    'could you say that one more time',
    "you're breaking up",
    'excuse me?',
    'huh?',
    'repeat the question please',
    'sorry, I missed that',
  ],
  yes: [
    'yeah sure',
    'yep',
    "that's right",
    'correct',
    'absolutely',
    'sounds good',
    'uh huh',
    'yes',
    'of course',
    'sure thing',
    "yes that's me",
    'that works for me',
    'definitely',
    'no problem',
    'I think so',
    'okay',
    'go ahead',
    'mm-hmm',
    'speaking',
    'yes please',
    'um, well, like, yes',
    "I'll be there",
    'count me in',
    "I'm fine with that",
  ],
  no: [
    'nope, not interested',
    'no thanks',
    'not really',
    "I don't think so",
    'no',
    'nah',
    'absolutely not',
    'no way',
    'not at all',
    "that's not right",
    "no, it's not",
    'negative',
    "I'd rather not",
    "no, that's fine",
    'of course not',
    'uh-uh',
    'No.',
    "I can't make it",
    "that doesn't work for me",
    "I'm good, thanks",
  ],
};

describe('built-in intents', () => {
  for (const [intent, phrasings] of Object.entries(PHRASINGS) as [BuiltinIntent, readonly string[]][]) {
    it(`has at least ten phrasings of ${intent} in this table`, () => {
      expect(phrasings.length).toBeGreaterThanOrEqual(10);
    });
    it.each(phrasings)(`"%s" is ${intent}`, (text) => {
      expect(top(text)).toBe(intent);
    });
  }

  const NEAR_MISSES: ReadonlyArray<readonly [text: string, not: BuiltinIntent]> = [
    ['I know', 'no'],
    ['no problem', 'no'],
    ['no worries', 'no'],
    ['I have no idea', 'no'],
    ['I have no idea', 'yes'],
    ["I'm not sure", 'yes'],
    ["I'm not sure", 'no'],
    ['maybe', 'yes'],
    ['what time is it', 'who_is_calling'],
    ['who knows', 'who_is_calling'],
    ['what day is my appointment', 'who_is_calling'],
    ['I am not busy', 'call_back_later'],
    ['call me Ana', 'call_back_later'],
    ['I called yesterday', 'call_back_later'],
    ['right now works for me', 'call_back_later'],
    ["no, I don't want to be removed", 'opt_out'],
    ["please don't remove me", 'opt_out'],
    ["please don't remove me", 'yes'],
    ["I'm not interested in being removed", 'opt_out'],
    ['stop by anytime', 'opt_out'],
    ['I will remove the dog first', 'opt_out'],
    ['the agent I spoke to was helpful', 'ask_human'],
    ['are you a real person?', 'ask_human'],
    ['my wife wants to talk to me', 'ask_human'],
    ["I don't want to talk to anyone", 'ask_human'],
    ['wrong day for me', 'wrong_person'],
    ["that's wrong", 'wrong_person'],
    ['there is no problem here', 'wrong_person'],
    ['I moved my appointment', 'wrong_person'],
    ['I understand', 'repeat'],
    ['I heard you the first time', 'repeat'],
    ['sorry, I am busy', 'repeat'],
    ['no need to repeat it', 'repeat'],
    ['who am I speaking with', 'yes'],
    ['right now', 'yes'],
    ['yesterday', 'yes'],
    ['nobody', 'no'],
    ['I know nothing about it', 'no'],
    ["I'm in a meeting", 'yes'],
    ['the tooth has to be removed', 'opt_out'],
    ['nobody called me when the part was delayed', 'wrong_person'],
    ['I have a manager who handles that', 'ask_human'],
    ["I don't know a good time yet", 'wrong_person'],
    ['never mind', 'no'],
    // words of a question answer nothing
    ['what kind of panels do you use?', 'yes'],
    ['is that okay?', 'yes'],
    ['do you think so?', 'yes'],
    ['do I have to?', 'yes'],
    ['can it be done on Saturday, is that okay?', 'yes'],
    ['are you sure that is right', 'yes'],
    ['what sort of discount is that', 'yes'],
    // "kind of" as a noun is no hedged yes
    ['that kind of thing happens', 'yes'],
    ['any type of panel', 'yes'],
    // a need for a change denied is no answer
    ['no need to reschedule', 'no'],
    ["I don't need to reschedule", 'no'],
    // a change only of something else
    ['I need to move to Florida', 'no'],
    ['I changed my mind about the color', 'no'],
  ];
  it.each(NEAR_MISSES)('"%s" is not %s', (text, intent) => {
    expect(detect(text).scores[intent] ?? 0).toBeLessThan(0.6);
  });

  describe('mixtures and negation', () => {
    it('a negated request is not the request: "no, I don\'t want to be removed" is a no', () => {
      const { scores, stance } = detect("no, I don't want to be removed");
      expect(scores.opt_out).toBeUndefined();
      expect(stance?.value).toBe(false);
      expect(top("no, I don't want to be removed")).toBe('no');
    });

    it('opt_out outranks no: "not interested, stop calling"', () => {
      const { scores, stance } = detect('not interested, stop calling');
      expect(top('not interested, stop calling')).toBe('opt_out');
      expect(scores.no).toBeLessThanOrEqual(0.6);
      // the stance itself (for a yes_no capture) is still a clear no
      expect(stance).toEqual({ value: false, confidence: 0.95 });
    });

    it('works without punctuation, as speech-to-text often gives it', () => {
      expect(top('not interested stop calling me')).toBe('opt_out');
    });

    it('the last stance wins, with less confidence: "yes... actually no"', () => {
      const stance = detect('yes... actually no').stance;
      expect(stance?.value).toBe(false);
      expect(stance?.confidence).toBeLessThan(0.9);
      expect(detect('no... well, yes').stance?.value).toBe(true);
      expect(detect('yeah no').stance?.value).toBe(false);
    });

    it('a trailing "not sure" cancels the stance', () => {
      expect(detect("yes, well, I'm not sure").stance).toBeUndefined();
    });

    it('a specific intent caps the stance beside it: "yes, who is this?"', () => {
      const { scores } = detect('yes, who is this?');
      expect(scores.who_is_calling).toBe(0.95);
      expect(scores.yes).toBe(0.6);
    });

    it('a stance said before a question still counts: "sure, what time works?"', () => {
      expect(detect('sure, what time works?').stance).toEqual({ value: true, confidence: 0.9 });
      expect(detect('yes what time works').stance?.value).toBe(true);
      expect(detect('what kind of panels do you use').stance).toBeUndefined();
      expect(detect('I kind of want it').stance?.value).toBe(true);
    });

    it.each(['I need to reschedule', "I'd like to reschedule", 'can we move it', 'I have to change the time'])(
      '"%s" implies a no (a yes/no capture) but is no "no" intent',
      (text) => {
        const { scores, stance } = detect(text);
        expect(stance).toMatchObject({ value: false, implied: true });
        expect(scores.no).toBeUndefined();
        expect(scores.yes).toBeUndefined();
      },
    );

    it('asking to change the booking is a no, unless a need for it is denied', () => {
      expect(detect('I need to reschedule').stance?.value).toBe(false);
      expect(detect('no, I need to reschedule').scores.no).toBe(0.95);
      expect(detect('yes, no need to reschedule').stance).toEqual({ value: true, confidence: 0.95 });
      expect(detect('no, no need to reschedule').stance?.value).toBe(false);
      // the last stance wins, as everywhere
      expect(detect('yes... actually I need to reschedule').stance?.value).toBe(false);
    });

    it('a stance said twice keeps its clearest wording', () => {
      expect(detect("no, I don't want to").stance).toEqual({ value: false, confidence: 0.95 });
    });

    it('an empty or filler-only turn has no intent', () => {
      expect(detect('')).toEqual({ scores: {} });
      expect(detect('um... uh').scores).toEqual({});
    });
  });
});
