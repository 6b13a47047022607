import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { matchChoice } from './choice.js';
import { digitGroups, findDigits, findNumber } from './numbers.js';
import { parseTemporal } from './temporal.js';
import type { CaptureSpec } from './types.js';
import type { Utterance } from './utterance.js';

/**
 * Typed capture (FLOW-LANGUAGE.md "Captured values"): one callee turn → the value a
 * question asked for, or nothing.
 */

export interface CapturedValue {
  value: unknown;
  confidence: number;
}

export interface CaptureContext {
  /** the call's clock */
  now: Date;
  /** IANA zone for relative dates */
  timezone: string;
  /** BCP 47 locale (picks day-first or month-first dates) */
  locale: string;
  /** region for national phone numbers */
  country: CountryCode;
}

export function interpretCapture(
  utterance: Utterance,
  spec: CaptureSpec,
  context: CaptureContext,
): CapturedValue | undefined {
  switch (spec.type) {
    case 'yes_no': {
      const stance = utterance.detection.stance;
      return stance === undefined ? undefined : { value: stance.value, confidence: stance.confidence };
    }
    case 'choice':
      return matchChoice(utterance, spec.values ?? []);
    case 'number': {
      const found = findNumber(utterance.raw);
      return found === undefined ? undefined : { value: found.value, confidence: found.words ? 0.85 : 0.9 };
    }
    case 'date':
    case 'time':
    case 'datetime':
      return parseTemporal(utterance.raw, spec.type, context);
    case 'phone':
      return findPhone(utterance.raw, context.country);
    case 'digits': {
      const digits = findDigits(utterance.raw);
      return digits === undefined ? undefined : { value: digits, confidence: 0.9 };
    }
    case 'text': {
      const text = utterance.raw.trim();
      return text === '' ? undefined : { value: text, confidence: 1 };
    }
  }
}

/**
 * A phone number in E.164 ("my number is 415 555 0134", "four one five five five five zero
 * one three four", "+44 20 7946 0958"). The longest digit group is tried first, then all
 * groups together (callers pause between area code and number).
 */
export function findPhone(raw: string, country: CountryCode): CapturedValue | undefined {
  const groups = digitGroups(raw);
  if (groups.length === 0) return undefined;
  const attempts = [...groups].sort((a, b) => b.length - a.length);
  if (groups.length > 1) attempts.push(groups.join('').replace(/(?!^)\+/g, ''));
  let possible: CapturedValue | undefined;
  for (const attempt of attempts) {
    const phone = parsePhoneNumberFromString(attempt, country);
    if (phone === undefined) continue;
    if (phone.isValid()) return { value: phone.number, confidence: 0.9 };
    if (possible === undefined && phone.isPossible()) possible = { value: phone.number, confidence: 0.6 };
  }
  return possible;
}

/** the phone region of a locale ("en-GB" → GB), else the fallback */
export function countryOfLocale(locale: string, fallback: CountryCode = 'US'): CountryCode {
  const region = /[-_]([A-Za-z]{2})(?:$|[-_])/.exec(locale)?.[1]?.toUpperCase();
  return region !== undefined && isSupportedCountry(region) ? region : fallback;
}
