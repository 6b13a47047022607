/** A path into the document as segments: property names and array indexes. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

/** `['nodes', 3, 'capture', 'var']` → `nodes[3].capture.var`; odd keys are quoted: `headers["x-api-key"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Appends to an already formatted path. */
export function joinPath(base: string, ...segments: readonly PathSegment[]): string {
  const tail = formatPath(segments);
  if (base === '') return tail;
  if (tail === '') return base;
  return tail.startsWith('[') ? base + tail : `${base}.${tail}`;
}

/** The inverse of `formatPath`, for locating a diagnostic in the JSON text. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([A-Za-z_$][\w$]*)/gy;
  let match: RegExpExecArray | null;
  while ((match = re.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(Number(match[1]));
    else if (match[2] !== undefined) segments.push(JSON.parse(match[2]) as string);
    else if (match[3] !== undefined) segments.push(match[3]);
    if (re.lastIndex === path.length) break;
  }
  return segments;
}
