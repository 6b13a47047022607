/**
 * Which words a phrase pattern can start with, so that at each token of a turn only the
 * few patterns that can match there are tried (a turn is checked against a couple of
 * hundred patterns; trying them all at every position cost ~10× more).
 *
 * Understands the small regex dialect the phrase tables use: words, spaces, groups with
 * alternatives, `?`/`*`/`{0,n}` on groups, look-arounds and anchors. Anything else at
 * the start (a character class, a quantified letter) makes the first word unknown, and
 * the pattern is then tried everywhere.
 */

interface Firsts {
  /** undefined: could start with anything */
  words: Set<string> | undefined;
  /** the element can match nothing, so what follows may start the phrase */
  nullable: boolean;
}

export function firstWords(source: string): Set<string> | undefined {
  const parsed = alternatives(source, 0, source.length);
  return parsed.nullable ? undefined : parsed.words;
}

function alternatives(source: string, from: number, to: number): Firsts {
  const words = new Set<string>();
  let nullable = false;
  for (const [start, end] of splitTopLevel(source, from, to)) {
    const part = sequence(source, start, end);
    if (part.words === undefined) return { words: undefined, nullable: false };
    for (const w of part.words) words.add(w);
    nullable ||= part.nullable;
  }
  return { words, nullable };
}

function sequence(source: string, from: number, to: number): Firsts {
  const words = new Set<string>();
  let i = from;
  while (i < to) {
    const c = source[i] ?? '';
    if (c === ' ' || c === '^' || c === '$') {
      i++;
      continue;
    }
    if (c === '\\') {
      if (source[i + 1] === 'b') {
        i += 2;
        continue;
      }
      return { words: undefined, nullable: false };
    }
    if (c === '(') {
      const close = matchingParen(source, i);
      const lookaround = /^\(\?<?[=!]/.test(source.slice(i, i + 4));
      const { quantifier, next } = quantifierAt(source, close + 1);
      if (lookaround) {
        i = next;
        continue;
      }
      const innerStart = source.startsWith('(?:', i) ? i + 3 : i + 1;
      const inner = alternatives(source, innerStart, close);
      if (inner.words === undefined) return inner;
      for (const w of inner.words) words.add(w);
      if (inner.nullable || quantifier) {
        i = next;
        continue;
      }
      return { words, nullable: false };
    }
    const word = /^[a-z0-9']+/.exec(source.slice(i, to))?.[0];
    if (word === undefined) return { words: undefined, nullable: false };
    const after = source[i + word.length];
    if (after === '?' || after === '*' || after === '+' || after === '{') return { words: undefined, nullable: false };
    words.add(word);
    return { words, nullable: false };
  }
  return { words, nullable: true };
}

/** whether a quantifier allowing zero follows, and where the pattern continues */
function quantifierAt(source: string, at: number): { quantifier: boolean; next: number } {
  const c = source[at];
  if (c === '?' || c === '*') return { quantifier: true, next: at + 1 };
  if (c === '+') return { quantifier: false, next: at + 1 };
  if (c === '{') {
    const end = source.indexOf('}', at);
    const min = Number(/^\{(\d+)/.exec(source.slice(at))?.[1] ?? '1');
    return { quantifier: min === 0, next: end + 1 };
  }
  return { quantifier: false, next: at };
}

function matchingParen(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return source.length;
}

/** [start, end) of each top-level alternative between `from` and `to` */
function splitTopLevel(source: string, from: number, to: number): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, to]);
  return parts;
}

/** top-level alternatives of a pattern: "a|b (?:c|d)" → ["a", "b (?:c|d)"] */
export function topLevelAlternatives(source: string): string[] {
  return splitTopLevel(source, 0, source.length).map(([start, end]) => source.slice(start, end));
}

/**
 * Items grouped by the words they can start with; `at(word)` gives the items to try at
 * a token, in their original order (items of unknown start included).
 */
export class FirstWordIndex<T> {
  private readonly byWord = new Map<string, T[]>();
  private readonly anywhere: T[];

  constructor(items: readonly T[], sourceOf: (item: T) => string) {
    const firsts = items.map((item) => firstWords(sourceOf(item)));
    this.anywhere = items.filter((_, i) => firsts[i] === undefined);
    const allWords = new Set<string>();
    for (const f of firsts) if (f !== undefined) for (const w of f) allWords.add(w);
    for (const word of allWords) {
      this.byWord.set(
        word,
        items.filter((_, i) => {
          const f = firsts[i];
          return f === undefined || f.has(word);
        }),
      );
    }
  }

  at(word: string): readonly T[] {
    return this.byWord.get(word) ?? this.anywhere;
  }
}
