/**
 * JSON with object keys sorted at every level and `undefined` members dropped, so the same content
 * always gives the same text (and hash), whatever order Postgres' jsonb hands keys back in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  // Loops and string concatenation rather than entries/filter/map/join: the campaign gate hashes
  // 100,000 decisions in a row, and this is most of that time. The text is the same.
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) text += ',';
      // a hole stays empty, as Array#map + join leave it
      if (!(i in value)) continue;
      const item: unknown = value[i];
      text += canonicalJson(item === undefined ? null : item);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  // the default sort compares UTF-16 code units, as `<` on strings does
  const keys = Object.keys(record).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) text += ',';
    first = false;
    text += `${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${text}}`;
}
