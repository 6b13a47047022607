/**
 * Phone numbers are personal data (TCPA evidence, consent records): they never reach a log line
 * in clear. Every number is reduced to its last four digits, enough to tell two calls apart.
 *
 * Masked:
 * - E.164: `+` (or `%2B`) then 8 to 15 digits (`+15551230123` → `+1******0123`, `+442071230123` → `+********0123`)
 * - North-American numbers written in any usual way, with or without a leading 1:
 *   `5551230123`, `15551230123`, `555-123-0123`, `(555) 123-0123`, `+1 555.123.0123` → `+1******0123`
 *
 * A digit run that is part of a longer run (timestamps, ids) is left alone: the match must not
 * touch another digit or letter on either side.
 */
const US_NUMBER = /(?<![\w+])(?:\+?1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]?(\d{4})(?![\w])/g;
// `%2B` is how a `+` travels in a URL path or query (`/v1/compliance/phones/%2B15551230123`).
const E164_NUMBER = /(?<![\w+])(?:\+|%2B)([1-9]\d{7,14})(?!\d)/gi;

const maskUs = (last4: string) => `+1******${last4}`;
// Separators as they travel in a URL (`/phones/(212)%20555-0101`, `+1%20212%20555%200101`):
// decoded first so the number is recognised whatever its spelling.
const URL_SEPARATORS = /%(2[089]|2B)/gi;

export function maskPhone(text: string): string {
  return text
    .replace(URL_SEPARATORS, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(E164_NUMBER, (_match, digits: string) =>
      digits.length === 11 && digits.startsWith('1')
        ? maskUs(digits.slice(-4))
        : `+${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`,
    )
    .replace(US_NUMBER, (_match, last4: string) => maskUs(last4));
}

/** Masks every string inside a JSON-like value (objects, arrays), leaving other values as they are. */
export function maskPhonesDeep<T>(value: T): T {
  if (typeof value === 'string') return maskPhone(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => maskPhonesDeep(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskPhonesDeep(item)])) as T;
  }
  return value;
}
