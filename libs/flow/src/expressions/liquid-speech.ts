import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Liquid filters that shape numbers for a voice to say and a person to read back.
 *
 * - `phone`: an E.164 number as people write and say it. North American numbers
 *   (+1) read "1-800-555-0142"; other countries get the international format
 *   ("+44 20 7946 0958"). `{{ n | phone: "GB" }}` reads a national number in that region.
 *   Anything that is not a possible phone number is returned as it is, so a text never
 *   fails over a malformed value.
 * - `digits`: each digit (or letter) said on its own for text-to-speech, "0142" →
 *   "0 1 4 2"; groups the value separates ("415-555-0134") are joined by ", " so the voice
 *   pauses between them. `{{ meta.callbackNumber | phone | digits }}` spells a number in
 *   its usual groups.
 */

export function formatPhone(value: unknown, country?: unknown): unknown {
  if (typeof value !== 'string' && typeof value !== 'number') return value;
  const text = String(value).trim();
  if (text === '') return value;
  const region = typeof country === 'string' ? country.toUpperCase() : '';
  const phone = isSupportedCountry(region)
    ? parsePhoneNumberFromString(text, region)
    : parsePhoneNumberFromString(text);
  if (phone === undefined || !phone.isPossible()) return value;
  const extension = phone.ext ? ` ext. ${phone.ext}` : '';
  const national = phone.nationalNumber;
  if (phone.countryCallingCode === '1' && national.length === 10) {
    return `1-${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}${extension}`;
  }
  return `${phone.formatInternational()}${extension}`;
}

export function spellDigits(value: unknown): unknown {
  if (typeof value !== 'string' && typeof value !== 'number') return value;
  const groups = String(value).match(/[\p{L}\p{N}]+/gu);
  if (groups === null) return typeof value === 'string' ? value : String(value);
  return groups.map((group) => [...group].join(' ')).join(', ');
}
