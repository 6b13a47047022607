import type { CountryCode } from 'libphonenumber-js';
import type { BuiltinIntent, CaptureType } from '../schema/index.js';
import { countryOfLocale, interpretCapture, type CaptureContext } from './capture.js';
import { matchCandidates } from './candidates.js';
import { extractValues } from './extract.js';
import type { LanguageUnderstanding, UnderstandRequest, UnderstandResult } from './types.js';
import { Utterance } from './utterance.js';

/** capture types whose answer may contain "call me…" wording */
const ANSWERS_OVER_CALL_BACK: ReadonlySet<CaptureType> = new Set([
  'choice',
  'number',
  'date',
  'time',
  'datetime',
  'phone',
  'digits',
]);
const CALL_BACK_LATER: ReadonlySet<BuiltinIntent> = new Set(['call_back_later']);

export interface LocalUnderstandingOptions {
  /** region for phone numbers said without a country code; default: the locale's region, else US */
  defaultCountry?: CountryCode;
}

/**
 * The embedded, model-free language understanding: deterministic, synchronous, and the
 * same in Node and the browser (simulator, editor test panel, CLI, and production when no
 * model is configured). English phrasings only; other locales get the English rules.
 *
 * Each turn is normalised and run through the built-in recogniser once; candidates,
 * capture and extraction all read that analysis. chrono-node runs only when a date or time
 * is asked for.
 *
 * One rule joins capture and intents: when a question asks for a value (a time, a number,
 * a phone, a choice...) and the turn holds one, a `call_back_later` candidate is passed
 * over, since "call me back tomorrow at 3" answers "when should we call you?". Every other
 * candidate still wins over the capture (the runtime checks intents first), so "stop
 * calling me" or "who is this?" is never taken for an answer.
 */
export class LocalUnderstanding implements LanguageUnderstanding {
  constructor(private readonly options: LocalUnderstandingOptions = {}) {}

  understand(request: UnderstandRequest): UnderstandResult {
    const utterance = new Utterance(request.text);
    const result: UnderstandResult = { extracted: {} };
    const needsContext = request.capture !== undefined || (request.extract?.length ?? 0) > 0;
    const context: CaptureContext | undefined = needsContext
      ? {
          now: request.now,
          timezone: request.timezone,
          locale: request.locale,
          country: this.options.defaultCountry ?? countryOfLocale(request.locale),
        }
      : undefined;

    if (request.capture !== undefined && context !== undefined) {
      const captured = interpretCapture(utterance, request.capture, context);
      if (captured !== undefined) result.capture = captured;
    }
    // "call me tomorrow at 3" answers "when should we call?"; it is not a request to call later
    const answered = result.capture !== undefined && ANSWERS_OVER_CALL_BACK.has(request.capture?.type ?? 'text');
    const intent = matchCandidates(request.candidates, utterance, answered ? CALL_BACK_LATER : undefined);
    if (intent !== undefined) result.intent = intent;

    if (request.extract !== undefined && request.extract.length > 0 && context !== undefined) {
      result.extracted = extractValues(request.extract, utterance, context);
    }
    return result;
  }
}
