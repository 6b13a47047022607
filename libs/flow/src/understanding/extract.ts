import type { CaptureType } from '../schema/index.js';
import { interpretCapture, type CaptureContext } from './capture.js';
import { CompileCache } from './compile-cache.js';
import { KEYWORD_MATCH_WEIGHT, keywordWeight, keywordsOf, type Keyword } from './keywords.js';
import { findDigits } from './numbers.js';
import type { ExtractSpec } from './types.js';
import { Utterance } from './utterance.js';

/**
 * llm-node extraction without a model: each spec is tried as a typed capture on the turn.
 * Conservative by design, since a wrong value silently steers the flow:
 * - `text` is taken (verbatim) only when the description's keywords are said;
 * - when several specs share a type ("adults: number", "children: number"), each clause of
 *   the turn ("two adults and three children") gives its value only to the specs whose
 *   keywords it mentions; a lone spec of its type needs no keyword;
 * - yes/no needs a clear stance; digits need at least three; a number that is a clock
 *   time or a duration ("at 5", "in 2 hours") is not a count;
 * - `choice` is skipped: an extraction spec carries no values.
 */

const MIN_EXTRACTED_DIGITS = 3;
const MIN_STANCE_CONFIDENCE = 0.8;
const CLOCK_OR_DURATION_NUMBER =
  /\b(?:at|around|by|before|after|until)\s+\d{1,2}(?::\d\d)?\b|\b\d+(?::\d\d)?\s*(?:[ap]\.?m\b|o'?clock|minutes?|mins?|hours?|hrs?|seconds?|secs?)/i;

interface CompiledSpec {
  readonly spec: ExtractSpec;
  readonly keywords: readonly Keyword[];
  /** another spec has the same type */
  readonly shared: boolean;
}

const specCache = new CompileCache<readonly ExtractSpec[], readonly CompiledSpec[]>(
  (specs) => JSON.stringify(specs),
  (specs) => {
    const perType = new Map<CaptureType, number>();
    for (const spec of specs) perType.set(spec.type, (perType.get(spec.type) ?? 0) + 1);
    return specs.map((spec) => ({
      spec,
      keywords: keywordsOf(`${spec.var.replace(/_/g, ' ')} . ${spec.description ?? ''}`),
      shared: (perType.get(spec.type) ?? 0) > 1,
    }));
  },
);

export function extractValues(
  specs: readonly ExtractSpec[],
  utterance: Utterance,
  context: CaptureContext,
): Record<string, unknown> {
  const extracted: Record<string, unknown> = {};
  if (specs.length === 0 || utterance.raw.trim() === '') return extracted;
  let clauses: Utterance[] | undefined;
  for (const { spec, keywords, shared } of specCache.get(specs)) {
    if (spec.type === 'choice') continue;
    if (spec.type === 'text') {
      if (mentions(keywords, utterance)) extracted[spec.var] = utterance.raw.trim();
      continue;
    }
    if (!shared) {
      const value = extractTyped(spec.type, utterance, context);
      if (value !== undefined) extracted[spec.var] = value;
      continue;
    }
    clauses ??= clausesOf(utterance);
    for (const clause of clauses) {
      if (!mentions(keywords, clause)) continue;
      const value = extractTyped(spec.type, clause, context);
      if (value !== undefined) {
        extracted[spec.var] = value;
        break;
      }
    }
  }
  return extracted;
}

function mentions(keywords: readonly Keyword[], utterance: Utterance): boolean {
  return keywordWeight(keywords, utterance) >= KEYWORD_MATCH_WEIGHT;
}

/** clause ends, but not the comma or point inside a number ("1,200", "3.5") */
const CLAUSE_SEPARATOR = /[,.](?![0-9])|[;!?]+|\s(?:and|but|plus|also)\s/i;

function clausesOf(utterance: Utterance): Utterance[] {
  const parts = utterance.raw.split(CLAUSE_SEPARATOR).filter((part) => part.trim() !== '');
  return parts.length <= 1 ? [utterance] : parts.map((part) => new Utterance(part));
}

function extractTyped(type: CaptureType, utterance: Utterance, context: CaptureContext): unknown {
  switch (type) {
    case 'yes_no': {
      const stance = utterance.detection.stance;
      return stance !== undefined && stance.confidence >= MIN_STANCE_CONFIDENCE ? stance.value : undefined;
    }
    case 'digits': {
      const digits = findDigits(utterance.raw);
      return digits !== undefined && digits.length >= MIN_EXTRACTED_DIGITS ? digits : undefined;
    }
    case 'number':
      if (CLOCK_OR_DURATION_NUMBER.test(utterance.raw)) return undefined;
      return interpretCapture(utterance, { type }, context)?.value;
    default:
      return interpretCapture(utterance, { type }, context)?.value;
  }
}
