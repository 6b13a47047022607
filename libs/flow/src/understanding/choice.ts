import type { ChoiceValue } from '../schema/index.js';
import { detectIntents, detectStance, isStanceStem } from './builtin-intents.js';
import { CompileCache } from './compile-cache.js';
import { synonymsOf } from './keywords.js';
import { CLAUSE_BREAK, normalize, stemsMatch } from './normalize.js';
import { ORDINAL_WORDS, UNIT_WORDS } from './numbers.js';
import { stemOccurrences, type Utterance } from './utterance.js';

/**
 * A `choice` answer → the value's id. In order of trust:
 * 1. a value's id, label or synonym said as a phrase ("Tuesday morning"); the longest wins,
 *    a negated one ("not Tuesday") does not count, two different values at equal length
 *    are ambiguous;
 * 2. a position: "the first one", "number two", "option 3", "the last one", or a bare
 *    "two" when no label holds a number;
 * 3. a word only one value has ("tuesday" when the other values are other days), or a
 *    word of the same family (keywords.ts: "move" for "Reschedule"). Words are compared
 *    by stem, then by their own form: "billing" shares its concept (pay) with "payment
 *    plan" but is still a word only "billing team" has. A word a value negates ("can't
 *    pay right now") belongs to it only when the turn negates it too ("I can't pay
 *    today"), so "I can pay today" goes to the value that pays;
 * 4. the callee's yes/no when exactly one value means yes (or no). A value means yes/no
 *    as an answer when its words say one ("Yes, confirm", "no", "Correct"): any yes or
 *    no picks it ("yeah" → `confirm`). A value that only describes something in
 *    positive or negative words ("not good" for `poor`, "not yet" for `need_time`) is
 *    picked by a turn that describes too ("not great", "not right now"), never by a bare
 *    "no"/"yes"/"nope, thanks", which would otherwise land on it for want of any words.
 */

export interface ChoiceMatch {
  value: string;
  confidence: number;
}

interface CompiledPhrase {
  readonly text: string;
  /** the yes/no the phrase says on its own ("great", "no"), if any */
  readonly stance?: boolean;
}

interface CompiledValue {
  readonly id: string;
  /** normalised phrases: id, label, synonyms */
  readonly phrases: readonly CompiledPhrase[];
  /** the yes/no this value stands for as an answer, when its phrases say one ("Yes, confirm") */
  readonly stance?: boolean;
  /** the yes/no its phrases describe without answering ("not good", "great", "not yet") */
  readonly describedStance?: boolean;
}

interface CompiledChoice {
  readonly values: readonly CompiledValue[];
  /** a stem → the only value it appears in */
  readonly distinctive: ReadonlyMap<string, number>;
  /** a word's own form (surface stem) → the only value it appears in */
  readonly distinctiveSurface: ReadonlyMap<string, number>;
  /** a stem → the only value that negates it ("can't pay right now") */
  readonly distinctiveNegated: ReadonlyMap<string, number>;
  /** some label holds a number: a bare "two" is then not a position */
  readonly numericLabels: boolean;
}

const cache = new CompileCache<readonly ChoiceValue[], CompiledChoice>(
  (values) => JSON.stringify(values),
  compileChoice,
);

/** words that answer yes or no by themselves (normalised tokens) */
const ANSWER_WORDS: Readonly<Record<string, boolean>> = {
  yes: true,
  yeah: true,
  yep: true,
  yup: true,
  uhhuh: true,
  aye: true,
  affirmative: true,
  sure: true,
  correct: true,
  confirm: true,
  confirmed: true,
  agree: true,
  accept: true,
  no: false,
  nope: false,
  nah: false,
  uhuh: false,
  negative: false,
  incorrect: false,
  decline: false,
  refuse: false,
};

function addOwner(owners: Map<string, Set<number>>, key: string, index: number): void {
  const set = owners.get(key) ?? new Set<number>();
  set.add(index);
  owners.set(key, set);
}

function soleOwners(owners: ReadonlyMap<string, ReadonlySet<number>>): Map<string, number> {
  const sole = new Map<string, number>();
  for (const [key, set] of owners) if (set.size === 1) sole.set(key, [...set][0] ?? 0);
  return sole;
}

function compileChoice(values: readonly ChoiceValue[]): CompiledChoice {
  const stemOwners = new Map<string, Set<number>>();
  const surfaceOwners = new Map<string, Set<number>>();
  const negatedOwners = new Map<string, Set<number>>();
  let numericLabels = false;
  const compiled = values.map((value, index): CompiledValue => {
    const sources = [value.id.replace(/_/g, ' '), value.label, ...(value.synonyms ?? [])];
    const phrases: CompiledPhrase[] = [];
    let stance: boolean | undefined;
    let describedStance: boolean | undefined;
    for (const source of sources) {
      const normalized = normalize(source);
      const tokens = normalized.tokens.filter((t) => t !== CLAUSE_BREAK);
      if (tokens.length === 0) continue;
      if (tokens.some((t) => /^[0-9]/.test(t) || UNIT_WORDS[t] !== undefined)) numericLabels = true;
      const detection = detectIntents(normalized);
      const occurrences = stemOccurrences(tokens);
      const topicWords = occurrences.filter((o) => !isStanceStem(o.stem)).length;
      // "Reschedule" implies a no to "can you make it?", but as an option it is a topic
      const phraseStance = detection.stance?.implied ? undefined : detection.stance?.value;
      if (phraseStance !== undefined && topicWords <= 1) {
        if (tokens.some((t) => ANSWER_WORDS[t] === phraseStance)) stance ??= phraseStance;
        else describedStance ??= phraseStance;
      }
      phrases.push({ text: tokens.join(' '), ...(phraseStance === undefined ? {} : { stance: phraseStance }) });
      // a bare "yes"/"great" is matched whole (above) or by stance, never word by word
      if (phraseStance !== undefined && topicWords === 0) continue;
      for (const { stem: s, surface, negated } of occurrences) {
        if (negated) {
          addOwner(negatedOwners, s, index);
          continue;
        }
        for (const word of [s, ...synonymsOf(s)]) addOwner(stemOwners, word, index);
        addOwner(surfaceOwners, surface, index);
      }
    }
    return {
      id: value.id,
      phrases,
      ...(stance === undefined ? {} : { stance }),
      ...(describedStance === undefined ? {} : { describedStance }),
    };
  });
  return {
    values: compiled,
    distinctive: soleOwners(stemOwners),
    distinctiveSurface: soleOwners(surfaceOwners),
    distinctiveNegated: soleOwners(negatedOwners),
    numericLabels,
  };
}

const PHRASE_NEGATORS = new Set(['not', 'never', 'except', 'without']);

export function matchChoice(utterance: Utterance, values: readonly ChoiceValue[]): ChoiceMatch | undefined {
  if (values.length === 0) return undefined;
  const choice = cache.get(values);
  return (
    byPhrase(utterance, choice) ??
    byPosition(utterance, choice) ??
    byDistinctiveWord(utterance, choice) ??
    byStance(utterance, choice)
  );
}

function byPhrase(utterance: Utterance, choice: CompiledChoice): ChoiceMatch | undefined {
  const tokens = utterance.normalized.tokens.filter((t) => t !== CLAUSE_BREAK);
  const text = ` ${tokens.join(' ')} `;
  let bestLength = 0;
  let bestValue = -1;
  let ambiguous = false;
  const turnStance = utterance.detection.stance?.value;
  choice.values.forEach((value, index) => {
    for (const { text: phrase, stance } of value.phrases) {
      // "no problem" holds the synonym "no" but says yes
      if (stance !== undefined && turnStance !== undefined && stance !== turnStance) continue;
      let from = 0;
      for (;;) {
        const at = text.indexOf(` ${phrase} `, from);
        if (at === -1) break;
        from = at + 1;
        const before = text.slice(0, at).trim().split(' ').slice(-2);
        if (before.some((t) => PHRASE_NEGATORS.has(t))) continue;
        const length = phrase.split(' ').length;
        if (length > bestLength) {
          bestLength = length;
          bestValue = index;
          ambiguous = false;
        } else if (length === bestLength && bestValue !== index) ambiguous = true;
        break;
      }
    }
  });
  const best = choice.values[bestValue];
  if (best === undefined || ambiguous) return undefined;
  return { value: best.id, confidence: 0.95 };
}

const ORDINAL_TOKENS: Readonly<Record<string, number>> = {
  ...ORDINAL_WORDS,
  '1st': 1,
  '2nd': 2,
  '3rd': 3,
  '4th': 4,
  '5th': 5,
};
const POSITION_RE =
  /(?:^|\s)(?:(?:the )?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|middle|1 st|2 nd|3 rd|4 th|5 th)(?: one| option| choice| answer)?|(?:number|option|choice|answer|press) ([0-9]|one|two|three|four|five|six|seven|eight|nine|ten))(?=\s|$)/;

function byPosition(utterance: Utterance, choice: CompiledChoice): ChoiceMatch | undefined {
  const text = utterance.normalized.tokens.filter((t) => t !== CLAUSE_BREAK).join(' ');
  const count = choice.values.length;
  let position: number | undefined;
  const match = POSITION_RE.exec(text);
  if (match !== null) {
    const [, ordinal, cardinal] = match;
    if (ordinal === 'last') position = count;
    else if (ordinal === 'middle') position = count % 2 === 1 ? (count + 1) / 2 : undefined;
    else if (ordinal !== undefined) position = ORDINAL_TOKENS[ordinal.replace(' ', '')];
    else if (cardinal !== undefined) position = /^[0-9]$/.test(cardinal) ? Number(cardinal) : UNIT_WORDS[cardinal];
  } else if (!choice.numericLabels) {
    // a bare "two" / "2" / "the second" said alone
    const bare = /^(?:the )?([0-9]|one|two|three|four|five|six|seven|eight|nine|ten)(?: please)?$/.exec(text);
    if (bare?.[1] !== undefined) position = /^[0-9]$/.test(bare[1]) ? Number(bare[1]) : UNIT_WORDS[bare[1]];
  }
  if (position === undefined || position < 1 || position > count) return undefined;
  const value = choice.values[position - 1];
  return value === undefined ? undefined : { value: value.id, confidence: 0.85 };
}

function byDistinctiveWord(utterance: Utterance, choice: CompiledChoice): ChoiceMatch | undefined {
  const hits = new Map<number, number>();
  for (const occurrence of utterance.stems) {
    const owner = occurrence.negated
      ? choice.distinctiveNegated.get(occurrence.stem)
      : (ownerOf(choice.distinctive, occurrence.stem) ?? choice.distinctiveSurface.get(occurrence.surface));
    if (owner !== undefined) hits.set(owner, (hits.get(owner) ?? 0) + 1);
  }
  let best = -1;
  let bestHits = 0;
  let tie = false;
  for (const [index, count] of hits) {
    if (count > bestHits) {
      best = index;
      bestHits = count;
      tie = false;
    } else if (count === bestHits) tie = true;
  }
  const value = choice.values[best];
  if (value === undefined || tie) return undefined;
  return { value: value.id, confidence: Math.min(0.85, 0.7 + 0.075 * (bestHits - 1)) };
}

/** the value owning a stem, exactly or with a slip in a long word */
function ownerOf(distinctive: ReadonlyMap<string, number>, stem: string): number | undefined {
  const exact = distinctive.get(stem);
  if (exact !== undefined) return exact;
  for (const [s, index] of distinctive) if (stemsMatch(s, stem)) return index;
  return undefined;
}

function byStance(utterance: Utterance, choice: CompiledChoice): ChoiceMatch | undefined {
  const stance = utterance.detection.stance;
  // only a yes/no said in yes/no words stands for an option that means one
  if (stance === undefined || stance.implied) return undefined;
  const confidence = Math.min(0.8, stance.confidence);
  const answering = choice.values.filter((v) => v.stance === stance.value);
  if (answering.length > 1) return undefined;
  const [answer] = answering;
  if (answer !== undefined) return { value: answer.id, confidence };
  const describing = choice.values.filter((v) => v.describedStance === stance.value);
  const [described] = describing;
  if (described === undefined || describing.length > 1) return undefined;
  return describesStance(utterance, stance.value) ? { value: described.id, confidence } : undefined;
}

/**
 * Whether the turn says its yes/no in words beyond the bare answer: "not great" or "no,
 * not great" do, "no", "nope, thanks" and "yes" do not.
 */
function describesStance(utterance: Utterance, value: boolean): boolean {
  const rest: string[] = [];
  for (const token of utterance.normalized.tokens) {
    if (ANSWER_WORDS[token] !== undefined) continue;
    if (token === CLAUSE_BREAK && (rest.length === 0 || rest[rest.length - 1] === CLAUSE_BREAK)) continue;
    rest.push(token);
  }
  if (rest[rest.length - 1] === CLAUSE_BREAK) rest.pop();
  return rest.length > 0 && detectStance(rest.join(' '))?.value === value;
}
