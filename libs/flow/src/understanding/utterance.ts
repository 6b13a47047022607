import { detectIntents, type IntentDetection } from './builtin-intents.js';
import { CLAUSE_BREAK, NEGATORS, STOPWORDS, normalize, stem, type NormalizedText } from './normalize.js';

/**
 * One callee turn, analysed once and read by every matcher: the normalised text, the
 * built-in intents, and (on first use) the stems of its topic words.
 */

export interface StemOccurrence {
  stem: string;
  /** a negation governs it ("not Tuesday", "I don't want to reschedule") */
  negated: boolean;
}

export class Utterance {
  readonly raw: string;
  readonly normalized: NormalizedText;
  readonly detection: IntentDetection;
  private stemCache: readonly StemOccurrence[] | undefined;

  constructor(raw: string) {
    this.raw = raw;
    this.normalized = normalize(raw);
    this.detection = detectIntents(this.normalized);
  }

  /** topic-word stems in order, each flagged when negated */
  get stems(): readonly StemOccurrence[] {
    this.stemCache ??= stemOccurrences(this.normalized.tokens);
    return this.stemCache;
  }

  /** whether any negation appears (outside closed phrases such as "not interested") */
  get negated(): boolean {
    return this.stems.some((s) => s.negated) || hasBareNegation(this.normalized.tokens);
  }
}

/** how far back a negation reaches within a clause ("not on Tuesday") */
const NEGATION_REACH = 3;

export function stemOccurrences(tokens: readonly string[]): StemOccurrence[] {
  const out: StemOccurrence[] = [];
  let lastNegation = -Infinity;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (token === CLAUSE_BREAK) {
      lastNegation = -Infinity;
      continue;
    }
    if (NEGATORS.has(token) || token === 'except' || token === 'without') {
      lastNegation = i;
      continue;
    }
    if (STOPWORDS.has(token)) continue;
    out.push({ stem: stem(token), negated: i - lastNegation <= NEGATION_REACH });
  }
  return out;
}

function hasBareNegation(tokens: readonly string[]): boolean {
  for (const token of tokens) if (token === 'not' || token === 'never') return true;
  return false;
}
