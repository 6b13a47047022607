import { normalize, stem, stemsMatch } from './normalize.js';
import { stemOccurrences, type StemOccurrence, type Utterance } from './utterance.js';

/**
 * Keywords taken from a description ("The callee wants to reschedule", "reason for
 * cancelling") and looked for in a turn. Words every description has ("the caller
 * asks") are dropped; everyday topic words ("appointment", "time") count for little, so
 * that only a telling word — or several weak ones — makes a match.
 */

export interface Keyword {
  readonly stem: string;
  /** 1 for a telling word, less for a common one */
  readonly weight: number;
  /** stems of words meaning the same thing, worth SYNONYM_FACTOR of the weight */
  readonly synonyms: readonly string[];
}

const SYNONYM_FACTOR = 0.8;

/** words of descriptions that say nothing about the topic */
const DESCRIPTION_WORDS = new Set(
  [
    'caller',
    'callee',
    'customer',
    'user',
    'client',
    'contact',
    'person',
    'ask',
    'say',
    'mention',
    'indicate',
    'express',
    'tell',
    'request',
    'want',
    'wish',
    'question',
    'answer',
    'respond',
    'reply',
    'state',
    'whether',
    'value',
    'provide',
    'give',
    'share',
    'spoken',
    'stated',
    'mentioned',
    'wants',
    'intent',
    'intends',
  ].map(stem),
);

/** topic words so common in calls that one alone proves nothing */
const WEAK_WORDS = new Set(
  [
    'call',
    'appointment',
    'time',
    'day',
    'number',
    'today',
    'tomorrow',
    'week',
    'information',
    'detail',
    'thing',
    'know',
    'help',
    'service',
    'account',
    'make',
    'get',
    'go',
    'come',
    'take',
    'need',
    'look',
    'good',
    'sound',
    'work',
    'interest',
    'interested',
    'talk',
    'back',
    'later',
    'new',
    'one',
    'other',
    'first',
  ].map(stem),
);
const WEAK_WEIGHT = 0.35;

/** small families of words that name the same topic in calls */
const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['reschedule', 'move', 'postpone', 'push', 'switch', 'rebook'],
  ['cancel', 'cancellation'],
  ['cost', 'price', 'expensive', 'afford', 'fee', 'charge', 'pricing'],
  ['pay', 'payment', 'bill', 'card', 'balance', 'owe'],
  ['book', 'schedule', 'reserve', 'reservation'],
  ['confirm', 'attend', 'keep'],
  ['insurance', 'coverage', 'covered', 'insured'],
  ['email', 'mail'],
  ['address', 'street', 'avenue', 'road'],
  ['reason', 'because', 'since', 'due'],
  ['spanish', 'espanol'],
  ['refund', 'reimburse', 'reimbursement'],
  ['complaint', 'complain', 'unhappy', 'problem', 'issue'],
].map((group) => [...new Set(group.map(stem))]);

const SYNONYMS_OF = new Map<string, readonly string[]>();
for (const group of SYNONYM_GROUPS) for (const member of group) SYNONYMS_OF.set(member, group);

/** stems naming the same topic as `s` (not `s` itself) */
export function synonymsOf(s: string): readonly string[] {
  return (SYNONYMS_OF.get(s) ?? []).filter((other) => other !== s);
}

/** the keywords of a description */
export function keywordsOf(description: string): Keyword[] {
  const seen = new Set<string>();
  const keywords: Keyword[] = [];
  for (const { stem: s } of stemOccurrences(normalize(description).tokens)) {
    if (DESCRIPTION_WORDS.has(s) || seen.has(s) || /^[0-9]/.test(s)) continue;
    seen.add(s);
    keywords.push({
      stem: s,
      weight: WEAK_WORDS.has(s) ? WEAK_WEIGHT : 1,
      synonyms: synonymsOf(s),
    });
  }
  return keywords;
}

/** summed weight of the keywords said (and not negated) in the turn, or in some of its words */
export function keywordWeight(
  keywords: readonly Keyword[],
  utterance: Utterance,
  occurrences: readonly StemOccurrence[] = utterance.stems,
): number {
  let total = 0;
  for (const keyword of keywords) {
    let best = 0;
    for (const occurrence of occurrences) {
      if (occurrence.negated) continue;
      if (stemsMatch(keyword.stem, occurrence.stem)) {
        best = keyword.weight;
        break;
      }
      if (keyword.synonyms.includes(occurrence.stem)) best = keyword.weight * SYNONYM_FACTOR;
    }
    total += best;
  }
  return total;
}

/** enough weight for a match: one telling word, or three common ones */
export const KEYWORD_MATCH_WEIGHT = 0.75;

/** 0..1 confidence for a keyword match */
export function keywordConfidence(weight: number): number {
  if (weight < KEYWORD_MATCH_WEIGHT) return 0;
  return Math.min(0.9, 0.5 + 0.2 * weight);
}
