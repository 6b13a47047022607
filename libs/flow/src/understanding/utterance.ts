import { detectIntents, type IntentDetection } from './builtin-intents.js';
import { CLAUSE_BREAK, NEGATORS, STOPWORDS, normalize, stem, surfaceStem, type NormalizedText } from './normalize.js';
import { questionFlags } from './questions.js';

/**
 * One callee turn, analysed once and read by every matcher: the normalised text, the
 * built-in intents, and (on first use) the stems of its topic words.
 */

export interface StemOccurrence {
  stem: string;
  /** the stem before concepts are merged ("bill" for "billing", whose stem is "pay") */
  surface: string;
  /** a negation governs it ("not Tuesday", "I don't want to reschedule") */
  negated: boolean;
  /** it belongs to an information question ("what KIND of PANELS do you USE?"), see questions.ts */
  question: boolean;
}

export class Utterance {
  readonly raw: string;
  readonly normalized: NormalizedText;
  readonly detection: IntentDetection;
  private stemCache: readonly StemOccurrence[] | undefined;
  private statementCache: readonly StemOccurrence[] | undefined;

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

  /** the topic-word stems outside information questions: what the turn states or asks for */
  get statementStems(): readonly StemOccurrence[] {
    this.statementCache ??= this.stems.every((s) => !s.question) ? this.stems : this.stems.filter((s) => !s.question);
    return this.statementCache;
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
  const questions = questionFlags(tokens);
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
    out.push({
      stem: stem(token),
      surface: surfaceStem(token),
      negated: i - lastNegation <= NEGATION_REACH,
      question: questions[i] ?? false,
    });
  }
  return out;
}

function hasBareNegation(tokens: readonly string[]): boolean {
  for (const token of tokens) if (token === 'not' || token === 'never') return true;
  return false;
}
