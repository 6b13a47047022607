import { formatPath, parsePath, type PathSegment } from './paths.js';

/**
 * What `JSON.parse` does not give: where a syntax error is (Node's messages do not always
 * say), and where a value sits in the text so that diagnostics get a line and column.
 */

/** Whether `text` encoded as UTF-8 is longer than `max` bytes, without encoding it. */
export function exceedsUtf8Bytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > max) return true;
  }
  return false;
}

export interface JsonSyntaxError {
  message: string;
  offset: number;
}

class JsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 512;

/**
 * A JSON scanner. In locate mode it records the offset of every value whose path is in
 * `wanted` (object members at their key, array elements at their value) and skips the rest.
 */
class Scanner {
  pos = 0;
  readonly found = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly wanted?: ReadonlySet<string>,
  ) {}

  run(): void {
    this.ws();
    this.value('', 0, this.wanted !== undefined);
    this.ws();
    if (this.pos < this.text.length) throw this.unexpected('after the end of the document');
  }

  private ws(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else if (c === 0x2f && (t[this.pos + 1] === '/' || t[this.pos + 1] === '*'))
        throw new JsonError('Comments are not allowed in JSON', this.pos);
      else return;
    }
  }

  private unexpected(context: string): JsonError {
    if (this.pos >= this.text.length) return new JsonError('Unexpected end of the file', this.pos);
    const ch = this.text[this.pos] ?? '';
    if (ch === "'") return new JsonError('Use double quotes (") for texts and names, not single quotes', this.pos);
    return new JsonError(`Unexpected character ${JSON.stringify(ch)} ${context}`, this.pos);
  }

  private value(path: string, depth: number, track: boolean): void {
    if (depth > MAX_DEPTH) throw new JsonError('The document is nested too deeply', this.pos);
    const c = this.text[this.pos];
    if (c === '{') this.object(path, depth, track);
    else if (c === '[') this.array(path, depth, track);
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else if (this.text.startsWith('true', this.pos)) this.pos += 4;
    else if (this.text.startsWith('false', this.pos)) this.pos += 5;
    else if (this.text.startsWith('null', this.pos)) this.pos += 4;
    else throw this.unexpected('where a value was expected');
  }

  private child(path: string, segment: PathSegment, track: boolean): { path: string; track: boolean } {
    if (!track) return { path: '', track: false };
    const childPath = path === '' ? formatPath([segment]) : joinFormatted(path, segment);
    return this.wanted?.has(childPath) ? { path: childPath, track: true } : { path: '', track: false };
  }

  private object(path: string, depth: number, track: boolean): void {
    this.pos++; // {
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') {
        if (this.text[this.pos] === '}')
          throw new JsonError('Trailing comma before "}" is not allowed in JSON', this.pos);
        throw this.unexpected('where a quoted field name was expected');
      }
      const keyStart = this.pos;
      const key = this.string();
      const next = this.child(path, key, track);
      if (next.track) this.found.set(next.path, keyStart);
      this.ws();
      if (this.text[this.pos] !== ':')
        throw this.unexpected(`after the field name ${JSON.stringify(key)} (expected ":")`);
      this.pos++;
      this.ws();
      this.value(next.path, depth + 1, next.track);
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return;
      }
      throw this.unexpected('after a field value (expected "," or "}")');
    }
  }

  private array(path: string, depth: number, track: boolean): void {
    this.pos++; // [
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.ws();
      if (this.text[this.pos] === ']')
        throw new JsonError('Trailing comma before "]" is not allowed in JSON', this.pos);
      const next = this.child(path, index, track);
      if (next.track) this.found.set(next.path, this.pos);
      this.value(next.path, depth + 1, next.track);
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return;
      }
      throw this.unexpected('after a list item (expected "," or "]")');
    }
  }

  /** Reads a string and returns its value (needed for keys only, cheap enough for values). */
  private string(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    let simple = true;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (Number.isNaN(c)) throw new JsonError('A text is not closed (missing ")', start);
      if (c === 0x22) break;
      if (c < 0x20) throw new JsonError('A text contains a line break or control character; write it as \\n', this.pos);
      if (c === 0x5c) {
        simple = false;
        const e = t[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6)))
            throw new JsonError('Invalid \\u escape in a text', this.pos);
          this.pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new JsonError('Invalid escape in a text', this.pos);
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    const raw = t.slice(start, this.pos);
    return simple ? raw.slice(1, -1) : (JSON.parse(raw) as string);
  }

  private number(): void {
    const re = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m || m[0] === '-' || m[0] === '') throw new JsonError('Invalid number', this.pos);
    this.pos += m[0].length;
    const c = this.text[this.pos];
    if (c !== undefined && /[\w.]/.test(c)) throw new JsonError('Invalid number', this.pos);
  }
}

function joinFormatted(path: string, segment: PathSegment): string {
  const tail = formatPath([segment]);
  return tail.startsWith('[') ? path + tail : `${path}.${tail}`;
}

/** Finds the first syntax error of a text `JSON.parse` refused. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new Scanner(text).run();
    return undefined;
  } catch (error) {
    if (error instanceof JsonError) return { message: error.message, offset: error.offset };
    return { message: 'The document is nested too deeply', offset: 0 };
  }
}

/**
 * Offsets of the values at `paths` (or of their deepest existing ancestor), for a text
 * that is valid JSON.
 */
export function locatePaths(text: string, paths: readonly string[]): Map<string, number> {
  const prefixesByPath = new Map<string, string[]>();
  const wanted = new Set<string>();
  for (const path of paths) {
    if (prefixesByPath.has(path)) continue;
    const segments = parsePath(path);
    const prefixes: string[] = [];
    for (let i = 1; i <= segments.length; i++) prefixes.push(formatPath(segments.slice(0, i)));
    prefixesByPath.set(path, prefixes);
    for (const p of prefixes) wanted.add(p);
  }
  const scanner = new Scanner(text, wanted);
  try {
    scanner.run();
  } catch {
    // only called on valid JSON; keep what was found
  }
  const out = new Map<string, number>();
  const start = firstNonSpace(text);
  for (const [path, prefixes] of prefixesByPath) {
    let offset = start;
    for (const p of prefixes) {
      const found = scanner.found.get(p);
      if (found === undefined) break;
      offset = found;
    }
    out.set(path, offset);
  }
  return out;
}

function firstNonSpace(text: string): number {
  const m = /\S/.exec(text);
  return m ? m.index : 0;
}

/** 1-based line and column of offsets in `text`. */
export function lineColumnLocator(text: string): (offset: number) => { line: number; column: number } {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
  };
}
