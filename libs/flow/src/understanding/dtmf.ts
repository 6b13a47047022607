import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { CaptureSpec } from './types.js';

/**
 * Key presses for a question (FLOW-LANGUAGE.md "Keys"): yes_no 1 → true, 2 → false;
 * choice: the value whose `dtmf` key was pressed, else the value at that 1-based position
 * (unless another value claims the key); number: the digits as a number, `*` as the
 * decimal point ("3*5" → 3.5); digits: the digits; phone: E.164; text: the keys as typed.
 * A trailing `#` ends the entry and is dropped. Dates and times are not keyed in:
 * undefined.
 */
export function interpretDtmf(
  digits: string,
  capture: CaptureSpec,
  country: CountryCode = 'US',
): { value: unknown } | undefined {
  const keys = digits.replace(/#+$/, '');
  if (keys === '') return undefined;
  switch (capture.type) {
    case 'yes_no':
      return keys === '1' ? { value: true } : keys === '2' ? { value: false } : undefined;
    case 'choice': {
      const values = capture.values ?? [];
      const explicit = values.find((v) => v.dtmf === keys);
      if (explicit !== undefined) return { value: explicit.id };
      if (!/^[0-9]+$/.test(keys)) return undefined;
      const byPosition = values[Number(keys) - 1];
      if (byPosition === undefined || byPosition.dtmf !== undefined) return undefined;
      return { value: byPosition.id };
    }
    case 'number': {
      if (!/^[0-9]+(?:\*[0-9]+)?$/.test(keys)) return undefined;
      return { value: Number(keys.replace('*', '.')) };
    }
    case 'digits': {
      return /^[0-9]+$/.test(keys) ? { value: keys } : undefined;
    }
    case 'phone': {
      if (!/^[0-9]+$/.test(keys)) return undefined;
      const phone = parsePhoneNumberFromString(keys, country);
      return phone?.isValid() ? { value: phone.number } : undefined;
    }
    case 'text':
      return { value: keys };
    case 'date':
    case 'time':
    case 'datetime':
      return undefined;
  }
}
