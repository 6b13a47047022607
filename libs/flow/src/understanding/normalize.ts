/**
 * Text normalisation shared by every matcher of the local understanding: one callee
 * turn is normalised once, then intents, candidates and captures read the result.
 *
 * The normalised text is lower case, contractions expanded ("don't" → "do not"),
 * spoken fillers dropped ("um", "uh", a clause-initial "well"/"so"), and clause
 * punctuation kept as the token `|` so that matchers can tell "no, thanks" (one
 * stance) from "yes... actually no" (two clauses) and stop negation at a clause end.
 */

export const CLAUSE_BREAK = '|';

export interface NormalizedText {
  /** tokens joined by single spaces, clause breaks as the token `|` */
  readonly text: string;
  readonly tokens: readonly string[];
}

/** apostrophe-less contractions as speech-to-text and typing produce them */
const BARE_CONTRACTIONS: Readonly<Record<string, string>> = {
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  cant: 'can not',
  cannot: 'can not',
  wont: 'will not',
  isnt: 'is not',
  arent: 'are not',
  wasnt: 'was not',
  werent: 'were not',
  couldnt: 'could not',
  wouldnt: 'would not',
  shouldnt: 'should not',
  havent: 'have not',
  hasnt: 'has not',
  hadnt: 'had not',
  aint: 'is not',
  im: 'i am',
  ive: 'i have',
  youre: 'you are',
  theyre: 'they are',
  thats: 'that is',
  whats: 'what is',
  whos: 'who is',
  wheres: 'where is',
  theres: 'there is',
  heres: 'here is',
  lets: 'let us',
  gonna: 'going to',
  wanna: 'want to',
  gotta: 'got to',
  gimme: 'give me',
  alright: 'all right',
  ok: 'okay',
  okey: 'okay',
  okie: 'okay',
  kk: 'okay',
  k: 'okay',
  thx: 'thanks',
  pls: 'please',
  plz: 'please',
  yea: 'yeah',
  yeh: 'yeah',
  yah: 'yeah',
  ya: 'yeah',
  yess: 'yes',
  yesss: 'yes',
  yas: 'yes',
  nop: 'nope',
  nah: 'nah',
  naw: 'nah',
  mhm: 'uhhuh',
  mhmm: 'uhhuh',
  mmhmm: 'uhhuh',
  uhhuh: 'uhhuh',
};

/** hesitation sounds: never meaningful */
const FILLERS = new Set([
  'um',
  'umm',
  'ummm',
  'uh',
  'uhh',
  'uhhh',
  'uhm',
  'er',
  'erm',
  'err',
  'hmm',
  'hm',
  'hmmm',
  'mmm',
  'ah',
  'ahh',
  'oh',
  'ooh',
  'just',
  'basically',
  'literally',
  'honestly',
  'kinda',
  'sorta',
]);

/** fillers only when they open a clause ("well, no" but not "very well") */
const CLAUSE_INITIAL_FILLERS = new Set(['well', 'so', 'like', 'anyway', 'anyways', 'look', 'listen']);

/** "like" is a filler unless a speaker means it ("I'd like", "I like", "looks like") */
const LIKE_KEEPERS = new Set([
  'would',
  'i',
  'we',
  'you',
  'they',
  'he',
  'she',
  'do',
  'does',
  'did',
  'not',
  'really',
  'look',
  'looks',
  'sounds',
  'seems',
  'feel',
  'feels',
  'much',
  'more',
  'most',
  'also',
]);

const TOKEN_PATTERN = /[0-9]+(?:[.,:][0-9]+)*|[a-z]+|[.!?;,:…]+|\s[-–—]+\s/g;

export function normalize(raw: string): NormalizedText {
  let s = raw.toLowerCase().replace(/[’‘`´]/g, "'");
  // acknowledgement sounds carry a stance; rewrite them before fillers go
  s = s
    .replace(/\b(?:uh[- ]?huh|uh[- ]?hum|mm+[- ]?hm+|m+hm+|yeah[- ]huh)\b/g, ' uhhuh ')
    .replace(/\b(?:uh-uh|nuh[- ]?uh|unh[- ]?uh|huh-uh)\b/g, ' uhuh ')
    // a word of its own, not the filler "so" twice
    .replace(/\bso[- ]so\b/g, 'soso');
  s = s
    .replace(/\bwon't\b/g, 'will not')
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bshan't\b/g, 'shall not')
    .replace(/\bain't\b/g, 'is not')
    .replace(/n't\b/g, ' not')
    .replace(/\blet's\b/g, 'let us')
    .replace(/'re\b/g, ' are')
    .replace(/'m\b/g, ' am')
    .replace(/'ve\b/g, ' have')
    .replace(/'ll\b/g, ' will')
    .replace(/'d\b/g, ' would')
    .replace(
      /\b(it|that|what|who|there|here|where|how|she|he|this|when|why|everything|nothing|something|someone|somebody|nobody|everyone|one|now|today|tomorrow)'s\b/g,
      '$1 is',
    )
    .replace(/'s\b/g, '')
    .replace(/'/g, '');

  const tokens: string[] = [];
  let previousWasBreak = true;
  for (const match of s.matchAll(TOKEN_PATTERN)) {
    const raw = match[0];
    const first = raw.charCodeAt(0);
    const isWord = (first >= 97 && first <= 122) || (first >= 48 && first <= 57);
    if (!isWord) {
      if (!previousWasBreak) tokens.push(CLAUSE_BREAK);
      previousWasBreak = true;
      continue;
    }
    const expanded = BARE_CONTRACTIONS[raw];
    const words = expanded === undefined ? [raw] : expanded.split(' ');
    for (const word of words) {
      if (FILLERS.has(word)) continue;
      if (previousWasBreak && CLAUSE_INITIAL_FILLERS.has(word)) continue;
      if (word === 'like' && !LIKE_KEEPERS.has(tokens[tokens.length - 1] ?? '')) continue;
      if (word === 'know' && tokens[tokens.length - 1] === 'you' && isClauseEndAhead(s, match.index + raw.length)) {
        tokens.pop(); // "you know" closing a clause is a filler
        previousWasBreak = tokens.length === 0 || tokens[tokens.length - 1] === CLAUSE_BREAK;
        continue;
      }
      tokens.push(word);
      previousWasBreak = false;
    }
  }
  while (tokens[tokens.length - 1] === CLAUSE_BREAK) tokens.pop();
  return { text: tokens.join(' '), tokens };
}

function isClauseEndAhead(s: string, from: number): boolean {
  const rest = s.slice(from, from + 3).trimStart();
  return rest === '' || /^[.!?;,:…-]/.test(rest);
}

// ---------------------------------------------------------------- words for similarity

/** words that carry no topic: dropped before comparing an utterance with examples */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then so of to in on at by for with from about as into onto over under ' +
    'i me my mine myself we us our ours you your yours he him his she her hers it its they them their ' +
    'this that these those there here is am are was were be been being do does did doing have has had ' +
    'having will would shall should can could may might must let please okay yeah well oh um uh ' +
    'what which who whom whose when where why how just really very quite also too some any all ' +
    'get got go going gonna want wanna like need would thing things something anything maybe ' +
    'right now today thanks thank yes hi hello hey sure'
  ).split(' '),
);

/** negation that flips the meaning of what follows (not "no", which is an answer) */
export const NEGATORS: ReadonlySet<string> = new Set(['not', 'never', 'nobody', 'nothing']);

/** concepts spoken in different words; maps a stem to one canonical stem */
const CANONICAL_STEMS: Readonly<Record<string, string>> = {
  speak: 'talk',
  chat: 'talk',
  somebodi: 'person',
  someon: 'person',
  anyon: 'person',
  anybodi: 'person',
  human: 'person',
  peopl: 'person',
  representativ: 'agent',
  rep: 'agent',
  operator: 'agent',
  phon: 'call',
  ring: 'call',
  telephon: 'call',
  cancell: 'cancel',
  rebook: 'reschedul',
  postpon: 'reschedul',
  pric: 'cost',
  fee: 'cost',
  charg: 'cost',
  expensiv: 'cost',
  bill: 'pay',
  payment: 'pay',
  invoic: 'pay',
  appt: 'appoint',
  reserv: 'book',
  email: 'mail',
  yeah: 'ye',
  yep: 'ye',
  yup: 'ye',
  nope: 'no',
  nah: 'no',
  mom: 'mother',
  dad: 'father',
  kid: 'child',
  children: 'child',
  doc: 'doctor',
  physician: 'doctor',
};

/**
 * A light suffix stripper (Porter step 1 plus a few endings): "scheduling",
 * "scheduled", "schedules" → "schedul". Enough for matching phrasings; not a lemmatiser.
 */
export function stem(word: string): string {
  const w = surfaceStem(word);
  return CANONICAL_STEMS[w] ?? w;
}

/**
 * The stem before concepts are merged: "billing" → "bill" where `stem` gives "pay". A word
 * can tell choice values apart by its own form when its concept is shared ("billing team"
 * against "payment plan").
 */
export function surfaceStem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4) w = undouble(w.slice(0, -2));
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);
  else if (w.endsWith('ation') && w.length > 7) w = w.slice(0, -5);
  else if (w.endsWith('ment') && w.length > 7) w = w.slice(0, -4);
  if (w.endsWith('y') && w.length > 3) w = `${w.slice(0, -1)}i`;
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  const last = w.charAt(w.length - 1);
  if (w.length > 2 && last === w.charAt(w.length - 2) && !'lsz'.includes(last)) return w.slice(0, -1);
  return w;
}

/** stems of the topic words of normalised tokens, in order, without clause breaks */
export function contentStems(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    if (token === CLAUSE_BREAK || STOPWORDS.has(token) || NEGATORS.has(token)) continue;
    out.push(stem(token));
  }
  return out;
}

/** whether the tokens negate something ("I do not want to") */
export function hasNegation(tokens: readonly string[]): boolean {
  for (const token of tokens) if (NEGATORS.has(token)) return true;
  return false;
}

/** Levenshtein distance with an early exit once it exceeds `max` */
export function editDistanceWithin(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  if (a === b) return true;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return false;
    [previous, current] = [current, previous];
  }
  return (previous[b.length] ?? max + 1) <= max;
}

/** stems that are the same word, allowing one slip per five letters (speech-to-text errors) */
export function stemsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 5) return false;
  return editDistanceWithin(a, b, shorter >= 8 ? 2 : 1);
}
