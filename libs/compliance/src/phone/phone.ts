import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js';

/** The number format every dialled number must have (COMPLIANCE.md): +1 NXX NXX XXXX. */
export const NANP_E164_PATTERN = /^\+1[2-9]\d{2}[2-9]\d{6}$/;

export type ParsedPhone =
  | { ok: true; e164: string; areaCode: string; country: string | undefined }
  /** `e164` is set when the text is a phone number but not a dialable NANP one. */
  | { ok: false; e164: string | undefined; problem: string };

/**
 * Parses a phone number as people and databases write it ("(212) 555-0101",
 * "1-212-555-0101", "tel:+1-212-555-0101", full-width digits…) with libphonenumber, US by
 * default, and checks it against `pattern`. Text around the number is refused rather than
 * searched, and an extension makes it undialable: the evaluator must not guess.
 */
export function parsePhone(raw: string, pattern: RegExp = NANP_E164_PATTERN): ParsedPhone {
  const text = raw.trim();
  if (text === '') return { ok: false, e164: undefined, problem: 'is empty' };
  const parsed = readNumber(text);
  if (parsed === undefined) return { ok: false, e164: undefined, problem: 'is not a phone number' };
  const e164 = parsed.e164;
  if (parsed.ext !== undefined && parsed.ext !== '') {
    return { ok: false, e164, problem: 'has an extension, which cannot be dialled automatically' };
  }
  if (!pattern.test(e164)) {
    return { ok: false, e164, problem: 'is not a NANP number of the form +1 NXX NXX XXXX' };
  }
  return { ok: true, e164, areaCode: e164.slice(2, 5), country: parsed.country };
}

/** What libphonenumber reads in a text: a number is parsed once per process, not once per use. */
interface ReadNumber {
  e164: string;
  ext: string | undefined;
  country: PhoneNumber['country'];
}

/**
 * The last texts read, at most READ_CACHE_SIZE of them: one request parses the same few numbers
 * several times (the API's checks, the gate, each consent and the caller id in `evaluate`), and a
 * campaign the same caller id thousands of times. The answer depends on the text alone.
 */
const READ_CACHE_SIZE = 10_000;
const readCache = new Map<string, ReadNumber | null>();

function readNumber(text: string): ReadNumber | undefined {
  const cached = readCache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  let parsed: PhoneNumber | undefined;
  try {
    parsed = /^tel:/i.test(text)
      ? parsePhoneNumberFromString(text, 'US') // RFC 3966
      : parsePhoneNumberFromString(text, { defaultCountry: 'US', extract: false });
  } catch {
    parsed = undefined;
  }
  const read = parsed === undefined ? null : { e164: parsed.number, ext: parsed.ext, country: parsed.country };
  // a full cache starts again: cheaper than tracking which texts were used last
  if (readCache.size >= READ_CACHE_SIZE) readCache.clear();
  readCache.set(text, read);
  return read ?? undefined;
}

/** The E.164 form used to compare numbers (consents, revocations, DNC entries), if any. */
export function comparablePhone(raw: string): string | undefined {
  return parsePhone(raw).e164;
}

/** For reason details, which end up in logs: area code and last two digits only. */
export function maskPhone(e164: string): string {
  if (e164.length < 8) return '***';
  return `${e164.slice(0, 5)}${'*'.repeat(e164.length - 7)}${e164.slice(-2)}`;
}
