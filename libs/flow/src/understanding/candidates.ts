import type { BuiltinIntent } from '../schema/index.js';
import { SPECIFIC_INTENTS, detectIntents, isStanceStem } from './builtin-intents.js';
import { CompileCache } from './compile-cache.js';
import { keywordConfidence, keywordWeight, keywordsOf, type Keyword } from './keywords.js';
import { CLAUSE_BREAK, hasNegation, normalize, stemsMatch } from './normalize.js';
import type { IntentCandidate } from './types.js';
import { hasQuestion } from './questions.js';
import { stemOccurrences, type StemOccurrence, type Utterance } from './utterance.js';

/**
 * Placing a turn against the candidates a listening node offers (globals, then intent
 * edges, in priority order). Each candidate is scored three ways and keeps its best:
 *
 * - **built-in**: a candidate with `intent`, or whose prompt, label or examples clearly
 *   describe a built-in ("asks for a person" → ask_human, examples "yes"/"sure" → yes),
 *   scores what the built-in recogniser gives the turn (×0.95 when only implied);
 *   accepted from BUILTIN_THRESHOLD;
 * - **examples**: token overlap of stems, forgiving one typo in long words:
 *   `coverage_of_example × (0.5 + 0.5 × coverage_of_turn)`, halved when one side is
 *   negated and the other not. A one-word example fully said scores 1.0 alone, 0.75 in a
 *   two-topic-word turn, 0.625 in a four-word one — so the threshold 0.65 accepts "can I
 *   talk to an agent about my bill" for the example "agent" and refuses "my travel agent
 *   called me yesterday". Examples that are a bare yes/no ("no", "sure") match through the
 *   stance only, so "no problem" never matches the example "no";
 * - **keywords** (prompt/label when they describe no built-in): see keywords.ts.
 *
 * The best candidate wins; ties go to the earlier one. A candidate standing for opt_out
 * that matched through the built-in wins over everything else: a do-not-call request
 * must not lose to an intent edge that happens to score higher.
 *
 * Information questions (questions.ts: "what kind of panels do you use?", "how much is
 * the consultation?", "do you do roofs?") ask; they neither agree nor state. They carry no
 * yes/no, and their words count only for candidates that take questions: one whose prompt
 * or label is about asking ("asks about pricing"), one with a question among its examples,
 * or one described by topic alone ("Pricing"). A candidate whose examples are all
 * statements, or whose description is a decision ("agrees to", "wants", "asks for"), is
 * matched on the rest of the turn only: "yeah, I'd like a consultation, how much is it?"
 * still agrees, "what is a consultation?" does not. Requests phrased as questions ("can
 * you send someone out?") are not information questions.
 */

export const BUILTIN_THRESHOLD = 0.6;
export const SIMILARITY_THRESHOLD = 0.65;
const IMPLIED_FACTOR = 0.95;
const NEGATION_MISMATCH_FACTOR = 0.5;
/** share of examples that must describe the same built-in for it to be implied */
const EXAMPLE_MAJORITY = 0.5;

export interface CandidateMatch {
  id: string;
  confidence: number;
}

interface CompiledExample {
  readonly stems: readonly string[];
  readonly negated: boolean;
  /** the example is itself an information question ("how much does it cost?") */
  readonly asks: boolean;
  /** a bare yes/no example: matched through the stance only */
  readonly stance?: boolean;
  /** the specific built-in this example is a phrasing of */
  readonly builtin?: BuiltinIntent;
}

interface CompiledCandidate {
  readonly id: string;
  readonly builtin?: BuiltinIntent;
  readonly builtinFactor: number;
  readonly examples: readonly CompiledExample[];
  readonly keywords: readonly Keyword[];
  /** the words of an information question may place a turn on it (see above) */
  readonly takesQuestions: boolean;
}

/** a prompt or label about asking for information */
const ASKS_FOR_INFORMATION =
  /\b(?:asks?|asking|asked) (?:about|whether|if|how|what|why|when|where|which|who|a question|questions)\b|\bquestions?\b|\bwants? to know\b|\bwonder(?:s|ing)?\b|\binquir[a-z]*|\benquir[a-z]*|\bcurious\b/;
/** a prompt or label about a decision or a request, which a question does not make */
const DECISION =
  /\b(?:agrees?|accepts?|consents?|confirms?|declines?|refuses?|rejects?|wants?|would like|asks? for|requests?|books?|signs? up|interested|ready|says? (?:yes|no)|chooses?|picks?|prefers?)\b/;

/** prompts and labels that describe a built-in intent; checked in this order */
const DESCRIPTORS: ReadonlyArray<readonly [BuiltinIntent, RegExp]> = [
  [
    'opt_out',
    /\b(?:opts? out|opted out|opting out|opt out|do not call|unsubscrib[a-z]*|stop (?:calling|contacting|the calls)|(?:be|being|get|getting) (?:removed|taken off)|remov[a-z]* (?:them|him|her|me|their number|from)|no more calls|not (?:to )?be (?:called|contacted)|revok[a-z]* (?:their )?consent)\b/,
  ],
  [
    'wrong_person',
    /\b(?:wrong (?:number|person)|not the (?:right |intended |correct )?(?:person|contact|recipient)|does not know (?:the|this) person)\b/,
  ],
  [
    'call_back_later',
    /\b(?:call (?:them |him |her |me )?(?:back|later)|callback|call back|bad time|(?:is|are) busy|another time|not a good time)\b/,
  ],
  [
    'who_is_calling',
    /\b(?:who (?:is )?(?:calling|we are|you are|this is|is on the line)|who the caller is|who is calling|(?:your|our|the agent|the caller) identity|which company|what company|where (?:we are|you are|the call is) calling from)\b/,
  ],
  ['repeat', /\b(?:repeat|say (?:it|that) again|did not (?:hear|catch|understand))\b/],
  [
    'ask_human',
    /\b(?:speak|talk|asks? for|request[a-z]*|wants?|transfer[a-z]*|connect[a-z]*|reach)\b(?: [a-z]+){0,4} (?:human|humans|person|real person|live person|agent|representative|operator|someone|somebody|staff|manager|supervisor)\b/,
  ],
  [
    'yes',
    /^(?:(?:the )?(?:caller|callee|customer|user|person|they|he|she) )?(?:says yes|agrees|accepts|confirms|consents|is interested|answers yes|affirms|is happy to proceed|wants to proceed)(?: [a-z]+){0,3}$/,
  ],
  [
    'no',
    /^(?:(?:the )?(?:caller|callee|customer|user|person|they|he|she) )?(?:says no|declines|refuses|rejects|is not interested|answers no|disagrees|does not want(?: it| to)?)(?: [a-z]+){0,3}$/,
  ],
];

function describedBuiltin(text: string | undefined): BuiltinIntent | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const normalized = normalize(text).text.replace(/ \| /g, ' ');
  for (const [intent, pattern] of DESCRIPTORS) if (pattern.test(normalized)) return intent;
  return undefined;
}

/** the built-in a short phrase ("Not interested", "yes", "who is this") is a phrasing of */
function phrasedBuiltin(text: string): { builtin?: BuiltinIntent; stanceOnly?: boolean } {
  const normalized = normalize(text);
  const detection = detectIntents(normalized);
  let best: BuiltinIntent | undefined;
  let bestScore = 0;
  for (const intent of SPECIFIC_INTENTS) {
    const score = detection.scores[intent] ?? 0;
    if (score >= 0.8 && score > bestScore) {
      best = intent;
      bestScore = score;
    }
  }
  if (best !== undefined) return { builtin: best };
  const topicWords = stemOccurrences(normalized.tokens).filter((o) => !isStanceStem(o.stem)).length;
  if (detection.stance !== undefined && topicWords === 0) {
    return { builtin: detection.stance.value ? 'yes' : 'no', stanceOnly: true };
  }
  return {};
}

function compileExample(example: string): CompiledExample {
  const normalized = normalize(example);
  const tokens = normalized.tokens.filter((t) => t !== CLAUSE_BREAK);
  const stems = [...new Set(stemOccurrences(tokens).map((o) => o.stem))];
  const phrased = phrasedBuiltin(example);
  return {
    stems,
    negated: hasNegation(tokens) && phrased.builtin === undefined,
    asks: hasQuestion(normalized.tokens),
    ...(phrased.stanceOnly ? { stance: phrased.builtin === 'yes' } : {}),
    ...(phrased.builtin !== undefined && !phrased.stanceOnly ? { builtin: phrased.builtin } : {}),
  };
}

function impliedBuiltin(candidate: IntentCandidate, examples: readonly CompiledExample[]): BuiltinIntent | undefined {
  const described = describedBuiltin(candidate.prompt) ?? describedBuiltin(candidate.label);
  if (described !== undefined) return described;
  if (candidate.label !== undefined) {
    const phrased = phrasedBuiltin(candidate.label).builtin;
    if (phrased !== undefined) return phrased;
  }
  if (examples.length === 0) return undefined;
  const votes = new Map<BuiltinIntent, number>();
  for (const example of examples) {
    const vote = example.builtin ?? (example.stance === undefined ? undefined : example.stance ? 'yes' : 'no');
    if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
  }
  for (const [intent, count] of votes) if (count / examples.length >= EXAMPLE_MAJORITY) return intent;
  return undefined;
}

function takesQuestions(candidate: IntentCandidate, examples: readonly CompiledExample[]): boolean {
  const description = normalize(`${candidate.label ?? ''} . ${candidate.prompt ?? ''}`).text;
  if (ASKS_FOR_INFORMATION.test(description)) return true;
  // "question about my insurance"
  if ((candidate.examples ?? []).some((e) => ASKS_FOR_INFORMATION.test(normalize(e).text))) return true;
  if (examples.some((e) => e.asks)) return true;
  if (examples.length > 0) return false;
  return !DECISION.test(description);
}

function compileCandidate(candidate: IntentCandidate): CompiledCandidate {
  const examples = (candidate.examples ?? []).filter((e) => e.trim() !== '').map(compileExample);
  const builtin = candidate.intent ?? impliedBuiltin(candidate, examples);
  const describedOnlyByWords = builtin === undefined;
  return {
    id: candidate.id,
    ...(builtin === undefined ? {} : { builtin }),
    builtinFactor: candidate.intent !== undefined ? 1 : IMPLIED_FACTOR,
    examples,
    keywords: describedOnlyByWords ? keywordsOf(`${candidate.label ?? ''} . ${candidate.prompt ?? ''}`) : [],
    takesQuestions: takesQuestions(candidate, examples),
  };
}

function candidateKey(c: IntentCandidate): string {
  return [c.id, c.intent ?? '', c.prompt ?? '', c.label ?? '', (c.examples ?? []).join('\u0002')].join('\u0001');
}

const listCache = new CompileCache<readonly IntentCandidate[], readonly CompiledCandidate[]>(
  (list) => list.map(candidateKey).join('\u0003'),
  (list) => list.map(compileCandidate),
);

function exampleSimilarity(example: CompiledExample, utterance: Utterance, turn: readonly StemOccurrence[]): number {
  const scores = utterance.detection.scores;
  if (example.stance !== undefined) return scores[example.stance ? 'yes' : 'no'] ?? 0;
  const viaBuiltin = example.builtin === undefined ? 0 : (scores[example.builtin] ?? 0);
  if (example.stems.length === 0) return viaBuiltin;
  if (turn.length === 0) return viaBuiltin;
  let exampleHits = 0;
  for (const s of example.stems) if (turn.some((o) => stemsMatch(o.stem, s))) exampleHits++;
  if (exampleHits === 0) return viaBuiltin;
  let turnHits = 0;
  for (const o of turn) if (example.stems.some((s) => stemsMatch(o.stem, s))) turnHits++;
  let similarity = (exampleHits / example.stems.length) * (0.5 + (0.5 * turnHits) / turn.length);
  if (example.negated !== utterance.negated) similarity *= NEGATION_MISMATCH_FACTOR;
  return Math.max(viaBuiltin, similarity);
}

interface CandidateScore {
  confidence: number;
  viaBuiltin: boolean;
}

function scoreCandidate(candidate: CompiledCandidate, utterance: Utterance): CandidateScore {
  let builtinScore = 0;
  if (candidate.builtin !== undefined) {
    const raw = (utterance.detection.scores[candidate.builtin] ?? 0) * candidate.builtinFactor;
    if (raw >= BUILTIN_THRESHOLD) builtinScore = raw;
  }
  let similarity = 0;
  // the words of an information question count only for candidates that take questions
  const turn = candidate.takesQuestions ? utterance.stems : utterance.statementStems;
  for (const example of candidate.examples) {
    const s = exampleSimilarity(example, utterance, turn);
    if (s > similarity) similarity = s;
  }
  if (candidate.keywords.length > 0) {
    similarity = Math.max(similarity, keywordConfidence(keywordWeight(candidate.keywords, utterance, turn)));
  }
  if (similarity < SIMILARITY_THRESHOLD) similarity = 0;
  return builtinScore >= similarity
    ? { confidence: builtinScore, viaBuiltin: builtinScore > 0 }
    : { confidence: similarity, viaBuiltin: false };
}

/**
 * The candidate the turn is about, if any is matched well enough. Candidates standing for
 * a built-in in `ignore` are passed over.
 */
export function matchCandidates(
  candidates: readonly IntentCandidate[],
  utterance: Utterance,
  ignore?: ReadonlySet<BuiltinIntent>,
): CandidateMatch | undefined {
  if (candidates.length === 0 || utterance.normalized.text === '') return undefined;
  const compiled = listCache.get(candidates);
  let best: CandidateMatch | undefined;
  for (const candidate of compiled) {
    if (candidate.builtin !== undefined && ignore?.has(candidate.builtin)) continue;
    const score = scoreCandidate(candidate, utterance);
    const confidence = round(score.confidence);
    if (confidence <= 0) continue;
    if (candidate.builtin === 'opt_out' && score.viaBuiltin) return { id: candidate.id, confidence };
    if (best === undefined || confidence > best.confidence) best = { id: candidate.id, confidence };
  }
  return best;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
