export * from './types.js';
export { LocalUnderstanding, type LocalUnderstandingOptions } from './local-understanding.js';
export { interpretDtmf } from './dtmf.js';
export { interpretCapture, findPhone, countryOfLocale, type CaptureContext, type CapturedValue } from './capture.js';
export {
  detectIntents,
  detectStance,
  SPECIFIC_INTENTS,
  type IntentDetection,
  type IntentScores,
  type Stance,
} from './builtin-intents.js';
export { matchCandidates, BUILTIN_THRESHOLD, SIMILARITY_THRESHOLD, type CandidateMatch } from './candidates.js';
export { matchChoice, type ChoiceMatch } from './choice.js';
export { extractValues } from './extract.js';
export { findNumber, findDigits, digitGroups, type FoundNumber } from './numbers.js';
export {
  parseTemporal,
  prepareTemporalText,
  type TemporalType,
  type TemporalValue,
  type TemporalContext,
} from './temporal.js';
export { normalize as normalizeSpokenText, type NormalizedText } from './normalize.js';
export { Utterance } from './utterance.js';
