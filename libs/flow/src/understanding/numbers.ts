/**
 * Numbers as callers say them: "42", "$1,200", "3.5", "forty two", "one hundred and five",
 * "a dozen", "two point five", "three and a half", and digit strings spelt out one by one
 * ("four one five, double five, oh one").
 */

export const UNIT_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};

export const TENS_WORDS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

const SCALE_WORDS: Readonly<Record<string, number>> = {
  thousand: 1_000,
  million: 1_000_000,
  billion: 1_000_000_000,
};

export const ORDINAL_WORDS: Readonly<Record<string, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};

/** "one" that is a pronoun, not a count: "that one", "the blue one", "no one" */
const ONE_AS_PRONOUN_AFTER = new Set([
  'that',
  'this',
  'which',
  'the',
  'no',
  'any',
  'every',
  'each',
  'another',
  'other',
  'last',
  'first',
  'next',
  'only',
  'same',
  'right',
  'wrong',
  'some',
  'someone',
  'little',
  'big',
  'new',
  'old',
  'good',
  'later',
  'earlier',
]);

const DIGIT_WORD_VALUES: Readonly<Record<string, string>> = {
  zero: '0',
  oh: '0',
  o: '0',
  nil: '0',
  one: '1',
  two: '2',
  to: '', // never a digit on its own; listed so "to" is not taken for "two"
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

const NUMBER_TOKEN = /[$€£]?[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?:k\b|%)?|\.[0-9]+|[a-z]+|[^\sa-z0-9]/g;

function tokenize(raw: string): string[] {
  return (
    raw
      .toLowerCase()
      .replace(/[’']/g, '')
      .replace(/([a-z])-(?=[a-z])/g, '$1 ')
      .match(NUMBER_TOKEN) ?? []
  );
}

function isDigitToken(token: string): boolean {
  return /^[$€£]?[0-9.]/.test(token);
}

function parseDigitToken(token: string): number | undefined {
  let t = token.replace(/^[$€£]/, '').replace(/,/g, '');
  let multiplier = 1;
  if (t.endsWith('k')) {
    multiplier = 1000;
    t = t.slice(0, -1);
  } else if (t.endsWith('%')) t = t.slice(0, -1);
  const value = Number(t);
  return Number.isFinite(value) ? value * multiplier : undefined;
}

export interface FoundNumber {
  value: number;
  /** token index where the number starts */
  index: number;
  /** true when spoken as words */
  words: boolean;
}

/**
 * The first number in a phrase. Spoken digit strings ("four one five") read as one
 * number; "one" as a pronoun ("that one") is not a number.
 */
export function findNumber(raw: string): FoundNumber | undefined {
  const tokens = tokenize(raw);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const negative = i > 0 && (tokens[i - 1] === 'minus' || tokens[i - 1] === 'negative');
    if (isDigitToken(token)) {
      let value = parseDigitToken(token);
      if (value === undefined) continue;
      let j = i + 1;
      const next = tokens[j];
      if (next !== undefined && SCALE_WORDS[next] !== undefined) {
        value *= SCALE_WORDS[next];
        j++;
      } else if (next === 'hundred') {
        value *= 100;
        j++;
      } else if (next === 'dozen') {
        value *= 12;
        j++;
      }
      if (isHalfAt(tokens, j)) value += 0.5;
      return { value: negative ? -value : value, index: i, words: false };
    }
    if (token === 'none' || token === 'nothing' || token === 'zero' || token === 'nil') {
      if (token === 'zero' || token === 'nil' || tokens.length <= 3) return { value: 0, index: i, words: true };
      continue;
    }
    const run = parseNumberWords(tokens, i);
    if (run === undefined) continue;
    if (run.oneAsPronoun) {
      i = run.end - 1;
      continue;
    }
    return { value: negative ? -run.value : run.value, index: i, words: true };
  }
  return undefined;
}

function isHalfAt(tokens: readonly string[], j: number): boolean {
  return tokens[j] === 'and' && (tokens[j + 1] === 'a' || tokens[j + 1] === 'one') && tokens[j + 2] === 'half';
}

interface WordRun {
  value: number;
  /** index after the run */
  end: number;
  oneAsPronoun?: boolean;
}

/** a run of number words starting at `start` ("one hundred and five", "a dozen") */
export function parseNumberWords(tokens: readonly string[], start: number): WordRun | undefined {
  const first = tokens[start];
  if (first === undefined) return undefined;

  if (first === 'half' && tokens[start + 1] === 'a' && tokens[start + 2] === 'dozen') {
    return { value: 6, end: start + 3 };
  }
  if ((first === 'a' || first === 'an') && tokens[start + 1] === 'couple') {
    const end = tokens[start + 2] === 'of' ? start + 3 : start + 2;
    return { value: 2, end };
  }

  const sequence = spokenDigitSequence(tokens, start);
  if (sequence !== undefined && sequence.digits.length >= 2) {
    return { value: Number(sequence.digits), end: sequence.end };
  }

  let total = 0;
  let current = 0;
  let last: 'none' | 'unit' | 'teen' | 'tens' | 'hundred' | 'scale' = 'none';
  let j = start;
  for (; j < tokens.length; j++) {
    const w = tokens[j] ?? '';
    const next = tokens[j + 1] ?? '';
    if ((w === 'a' || w === 'an') && last === 'none') {
      if (next === 'hundred' || next === 'dozen' || SCALE_WORDS[next] !== undefined) {
        current = 1;
        last = 'unit';
        continue;
      }
      break;
    }
    if (w === 'and' && last !== 'none') {
      if (UNIT_WORDS[next] !== undefined || TENS_WORDS[next] !== undefined) continue;
      break;
    }
    const unit = UNIT_WORDS[w];
    if (unit !== undefined) {
      if (last === 'unit' || last === 'teen') break;
      if (last === 'tens' && unit >= 10) break;
      current += unit;
      last = unit < 10 ? 'unit' : 'teen';
      continue;
    }
    const tens = TENS_WORDS[w];
    if (tens !== undefined) {
      if (last === 'unit') break;
      if (last === 'teen' || last === 'tens') {
        // "nineteen ninety", "twenty twenty": read as a year
        current = current * 100 + tens;
      } else current += tens;
      last = 'tens';
      continue;
    }
    if (w === 'hundred' && last !== 'none') {
      current = (current === 0 ? 1 : current) * 100;
      last = 'hundred';
      continue;
    }
    const scale = SCALE_WORDS[w];
    if (scale !== undefined && last !== 'none') {
      total += (current === 0 ? 1 : current) * scale;
      current = 0;
      last = 'scale';
      continue;
    }
    if (w === 'dozen' && last !== 'none') {
      current = (current === 0 ? 1 : current) * 12;
      last = 'hundred';
      continue;
    }
    break;
  }
  if (last === 'none') return undefined;
  let value = total + current;

  if (j - start === 1 && first === 'one') {
    const before = tokens[start - 1];
    const after = tokens[j];
    if (
      (before !== undefined && ONE_AS_PRONOUN_AFTER.has(before)) ||
      after === 'of' ||
      after === 'more' ||
      after === 'day'
    ) {
      return { value, end: j, oneAsPronoun: true };
    }
  }

  if (tokens[j] === 'point') {
    const fraction = spokenDigitSequence(tokens, j + 1, true);
    if (fraction !== undefined && fraction.digits.length > 0) {
      value = Number(`${value}.${fraction.digits}`);
      j = fraction.end;
    }
  }
  if (isHalfAt(tokens, j)) {
    value += 0.5;
    j += 3;
  }
  return { value, end: j };
}

interface DigitSequence {
  digits: string;
  end: number;
}

/**
 * Single digits spoken one after another: "four one five", "double five", "oh one".
 * Stops before a digit word that starts a compound ("five hundred", "twenty").
 */
function spokenDigitSequence(tokens: readonly string[], start: number, allowSingle = false): DigitSequence | undefined {
  let digits = '';
  let j = start;
  while (j < tokens.length) {
    const w = tokens[j] ?? '';
    const repeat = w === 'double' ? 2 : w === 'triple' ? 3 : 1;
    const word = repeat > 1 ? (tokens[j + 1] ?? '') : w;
    const digit = DIGIT_WORD_VALUES[word];
    if (digit === undefined || digit === '') break;
    if ((word === 'oh' || word === 'o') && digits === '' && !allowSingle) break;
    const after = tokens[j + (repeat > 1 ? 2 : 1)] ?? '';
    if (repeat === 1 && (after === 'hundred' || SCALE_WORDS[after] !== undefined || after === 'dozen')) break;
    digits += digit.repeat(repeat);
    j += repeat > 1 ? 2 : 1;
  }
  if (digits === '' || (!allowSingle && digits.length < 2)) return undefined;
  return { digits, end: j };
}

// ---------------------------------------------------------------- digit strings

/** connectors allowed inside a spoken digit string */
const DIGIT_JOINERS = new Set(['and', 'dash', 'hyphen', 'then', 'space']);
const FILLER_ONLY = new Set(['um', 'uh', 'er', 'erm', 'hmm']);

/**
 * Every group of digits in a phrase, written or spoken ("1 2 3 4", "one two three four",
 * "415-555-0134", "twenty one", "eight hundred"), in order.
 */
export function digitGroups(raw: string): string[] {
  const tokens = raw
    .toLowerCase()
    .replace(/[’']/g, '')
    .match(/[0-9]+|[a-z]+|\+|[^\sa-z0-9+]/g);
  if (tokens === null) return [];
  const groups: string[] = [];
  let current = '';
  let plus = false;
  const flush = () => {
    if (current !== '') groups.push(plus ? `+${current}` : current);
    current = '';
    plus = false;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const next = tokens[i + 1] ?? '';
    if (/^[0-9]+$/.test(t)) {
      current += t;
      continue;
    }
    if (t === '+' || t === 'plus') {
      flush();
      plus = true;
      continue;
    }
    if (t === 'double' || t === 'triple') {
      const digit = DIGIT_WORD_VALUES[next] ?? (/^[0-9]$/.test(next) ? next : undefined);
      if (digit !== undefined && digit !== '') {
        current += digit.repeat(t === 'double' ? 2 : 3);
        i++;
        continue;
      }
    }
    const tens = TENS_WORDS[t];
    if (tens !== undefined) {
      const unit = UNIT_WORDS[next];
      if (unit !== undefined && unit > 0 && unit < 10) {
        current += String(tens + unit);
        i++;
      } else current += String(tens);
      continue;
    }
    const unit = UNIT_WORDS[t];
    if (unit !== undefined) {
      current += String(unit);
      continue;
    }
    if ((t === 'oh' || t === 'o') && (current !== '' || DIGIT_WORD_VALUES[next] !== undefined || /^[0-9]/.test(next))) {
      current += '0';
      continue;
    }
    if (t === 'hundred' && current !== '') {
      current += '00';
      continue;
    }
    if (t === 'thousand' && current !== '') {
      current += '000';
      continue;
    }
    if (/^[-–.,/()\s]$/.test(t) || FILLER_ONLY.has(t)) continue;
    if (DIGIT_JOINERS.has(t) && current !== '') continue;
    flush();
  }
  flush();
  return groups;
}

/** the digits of the longest digit group ("my pin is 1 2 3 4" → "1234") */
export function findDigits(raw: string): string | undefined {
  let best: string | undefined;
  for (const group of digitGroups(raw)) {
    const digits = group.replace(/^\+/, '');
    if (best === undefined || digits.length > best.length) best = digits;
  }
  return best;
}
