import { CLAUSE_BREAK } from './normalize.js';

/**
 * Information questions the callee asks ("what kind of panels do you use?", "how much
 * is it?", "do you do roofs?", "is there a tax credit?"): the words from the question's
 * opening to the end of its clause. Such words ask; they do not answer. So
 * - they carry no yes/no ("what KIND OF panels", "is that okay?"), and
 * - they do not place the turn on an intent that expects a decision or a statement
 *   (candidates.ts): "how much is the consultation?" does not agree to one.
 *
 * Requests phrased as questions are not information questions: "can you send someone
 * out?", "could I get a quote?", "can we reschedule?" ask for something to be done and
 * keep their meaning. "can you tell me…" and "I was wondering…" do ask for information.
 *
 * Read from words only (speech-to-text punctuation is unreliable): a question opens at
 * the start of a clause, possibly after a few lead words ("sure, what time works?",
 * "okay but how much is it"), and ends at the clause end or at a conjunction that starts
 * another thought ("how much is it and yes, let's do it").
 */

const WH = new Set(['what', 'which', 'how', 'why', 'where', 'when', 'who', 'whose', 'whom']);
/** "why not", "who knows": a wh-word in a phrase that is no question */
const WH_NOT_QUESTION: Readonly<Record<string, ReadonlySet<string>>> = {
  why: new Set(['not']),
  who: new Set(['knows', 'cares']),
  what: new Set(['ever']),
};
/** "when I get paid…", "how I feel": a wh-word opening a subordinate clause */
const SUBORDINATE_SUBJECTS = new Set(['i', 'we', 'he', 'she', 'they']);

const BE = new Set(['is', 'are', 'was', 'were', 'am']);
/** "was great", "is fine": a statement with its subject left out, not a question */
const BE_NOT_QUESTION = new Set([
  'not',
  'so',
  'very',
  'really',
  'pretty',
  'quite',
  'too',
  'all',
  'fine',
  'good',
  'great',
  'okay',
  'perfect',
  'correct',
  'right',
  'true',
  'wrong',
  'bad',
  'terrible',
  'awful',
  'excellent',
  'amazing',
  'awesome',
  'nice',
  'lovely',
  'ok',
  'me',
  'him',
  'her',
  'us',
  'them',
]);
const DO = new Set(['do', 'does', 'did']);
/** "do it", "do not call": an imperative, not a question */
const DO_NOT_QUESTION = new Set(['it', 'that', 'this', 'so', 'not', 'nothing', 'something', 'anything', 'me', 'us']);
const HAVE = new Set(['have', 'has', 'had']);
/** "have you…?" asks; "have someone come out", "have a good day" do not */
const HAVE_SUBJECTS = new Set(['you', 'we', 'they', 'he', 'she', 'it', 'i', 'there']);
const MODALS = new Set(['can', 'could', 'would', 'will', 'should', 'shall', 'may', 'might', 'must']);
const MODAL_SUBJECTS = new Set([
  'you',
  'i',
  'we',
  'it',
  'that',
  'this',
  'there',
  'they',
  'he',
  'she',
  'someone',
  'somebody',
  'anyone',
  'anybody',
  'the',
  'your',
  'my',
]);
/** "can you…", "could I…", "would someone…": a request, unless it asks to be told something */
const REQUEST_MODALS = new Set(['can', 'could', 'would', 'will', 'may']);
const REQUEST_SUBJECTS = new Set(['you', 'i', 'we', 'someone', 'somebody']);
const INFORMATION_VERBS = new Set(['tell', 'explain', 'ask', 'clarify', 'describe', 'remind']);

/** words that may come before a question in its clause: "sure, what…", "okay but how…" */
const LEAD_WORDS = new Set([
  'and',
  'but',
  'or',
  'so',
  'then',
  'also',
  'plus',
  'okay',
  'all',
  'right',
  'sure',
  'yes',
  'yeah',
  'yep',
  'yup',
  'uhhuh',
  'no',
  'nope',
  'nah',
  'well',
  'wait',
  'hey',
  'hi',
  'hello',
  'great',
  'cool',
  'fine',
  'perfect',
  'good',
  'sorry',
  'actually',
  'now',
  'first',
  'one',
  'quick',
  'question',
  'please',
  'thanks',
  'thank',
  'you',
  'maam',
  'sir',
]);
/** conjunctions that end a question and may open another thought */
const REGION_ENDS = new Set(['and', 'but', 'so', 'then', 'also', 'plus', 'anyway', 'otherwise']);

/** phrases that open a question anywhere in a clause ("I was wondering if…") */
const QUESTION_PHRASES: ReadonlyArray<readonly string[]> = [
  ['i', 'was', 'wondering'],
  ['i', 'am', 'wondering'],
  ['i', 'wonder'],
  ['want', 'to', 'know'],
  ['like', 'to', 'know'],
  ['need', 'to', 'know'],
  ['i', 'have', 'a', 'question'],
  ['i', 'have', 'a', 'quick', 'question'],
  ['i', 'got', 'a', 'question'],
  ['quick', 'question'],
];

function opensQuestion(tokens: readonly string[], i: number): boolean {
  const word = tokens[i] ?? '';
  const next = tokens[i + 1];
  if (WH.has(word)) {
    if (next !== undefined && (WH_NOT_QUESTION[word]?.has(next) || SUBORDINATE_SUBJECTS.has(next))) return false;
    return true;
  }
  if (next === undefined || next === CLAUSE_BREAK) return false;
  if (BE.has(word)) return !BE_NOT_QUESTION.has(next);
  if (DO.has(word)) return !DO_NOT_QUESTION.has(next);
  if (HAVE.has(word)) return HAVE_SUBJECTS.has(next);
  if (MODALS.has(word)) {
    if (!MODAL_SUBJECTS.has(next)) return false;
    if (!REQUEST_MODALS.has(word) || !REQUEST_SUBJECTS.has(next)) return true;
    // "can you please tell me…": a request to be told is a question
    let k = i + 2;
    while (tokens[k] === 'please' || tokens[k] === 'just' || tokens[k] === 'maybe') k++;
    return INFORMATION_VERBS.has(tokens[k] ?? '');
  }
  return false;
}

function phraseAt(tokens: readonly string[], i: number): boolean {
  return QUESTION_PHRASES.some((phrase) => phrase.every((w, k) => tokens[i + k] === w));
}

/**
 * Per token of a normalised turn: whether it belongs to an information question.
 * Clause breaks are never in a question.
 */
export function questionFlags(tokens: readonly string[]): boolean[] {
  const flags = new Array<boolean>(tokens.length).fill(false);
  let inQuestion = false;
  /** only lead words so far in this segment: a question may still open */
  let atSegmentStart = true;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (token === CLAUSE_BREAK) {
      inQuestion = false;
      atSegmentStart = true;
      continue;
    }
    if (inQuestion && REGION_ENDS.has(token)) {
      inQuestion = false;
      atSegmentStart = true;
      continue;
    }
    if (!inQuestion && (phraseAt(tokens, i) || (atSegmentStart && opensQuestion(tokens, i)))) inQuestion = true;
    if (inQuestion) {
      flags[i] = true;
      continue;
    }
    if (!LEAD_WORDS.has(token)) atSegmentStart = false;
  }
  return flags;
}

/** whether any part of the tokens is an information question */
export function hasQuestion(tokens: readonly string[]): boolean {
  return questionFlags(tokens).some(Boolean);
}
