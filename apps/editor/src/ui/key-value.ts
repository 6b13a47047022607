/**
 * Pure helpers behind the key/value and JSON fields of the inspector (headers, a tool
 * node's input and output mappings, a tool's body and parameters), tested alone.
 */

export interface KeyValueRow {
  key: string;
  value: string;
}

/** How a value is shown in a row: strings as written, anything else as JSON. */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function rowsFromRecord(record: Readonly<Record<string, unknown>> | undefined): KeyValueRow[] {
  return Object.entries(record ?? {}).map(([key, value]) => ({ key, value: formatValue(value) }));
}

/**
 * The rows as a record, or why not. Rows with neither key nor value are ignored; an empty
 * key with a value, or a key twice, is an error. `parse` turns a row's text into its value
 * (strings by default); `previous` is the record the rows were made from.
 */
export function recordFromRows(
  rows: readonly KeyValueRow[],
  parse: (text: string, previous: unknown) => unknown = (text) => text,
  previous: Readonly<Record<string, unknown>> = {},
): { record: Record<string, unknown> | undefined; error?: string } {
  const record: Record<string, unknown> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (!key && !row.value.trim()) continue;
    if (!key) return { record: undefined, error: `A value (“${row.value}”) has no name.` };
    if (Object.hasOwn(record, key)) return { record: undefined, error: `“${key}” is given twice.` };
    record[key] = parse(row.value, Object.hasOwn(previous, key) ? previous[key] : undefined);
  }
  return { record: Object.keys(record).length ? record : undefined };
}

/** A tool node's input value: a value that was not a string stays typed when its text is still JSON. */
export function parseInputValue(text: string, previous: unknown): unknown {
  if (previous !== undefined && typeof previous !== 'string') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

const CREDENTIAL_NAME =
  /authorization|api[-_]?key|access[-_]?key|secret|token|password|passwd|cookie|(^|[-_.])(auth|pwd|signature|sig)($|[-_.])/i;
const CREDENTIAL_VALUE =
  /\b(sk-[A-Za-z0-9_-]{20,}|sk_(live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/;
/** a long run of token characters with letters and digits (an API key pasted in) */
const TOKEN_LIKE = /(?=[A-Za-z0-9_\-+/=.]*\d)(?=[A-Za-z0-9_\-+/=.]*[A-Za-z])[A-Za-z0-9_\-+/=.]{24,}/;
const TEMPLATE_TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const SECRETS_TAG = /\{\{-?\s*secrets\s*\.\s*\w+/;
const SCHEME_ONLY = /^(bearer|basic|token|apikey|api-key)?$/i;

/**
 * Why a header value looks like a credential written into the flow rather than
 * `{{ secrets.name }}` (the editor's early warning; the checks have the final word).
 */
export function inlineSecretWarning(name: string, value: string): string | undefined {
  const literal = value.replace(TEMPLATE_TAG, ' ').trim();
  const hint = 'store it as a secret and write {{ secrets.name }} instead.';
  if (CREDENTIAL_VALUE.test(literal) || TOKEN_LIKE.test(literal))
    return `This looks like a credential written into the flow: ${hint}`;
  if (CREDENTIAL_NAME.test(name) && !SECRETS_TAG.test(value) && !SCHEME_ONLY.test(literal))
    return `“${name}” carries a credential: ${hint}`;
  if (CREDENTIAL_NAME.test(name) && !SECRETS_TAG.test(value) && value.trim())
    return `“${name}” should come from {{ secrets.name }}, not a variable or text.`;
  return undefined;
}

/** A tool node's output: a variable takes the value at a dot path of the JSON result (`data.slot.id`). */
export function outputPathError(path: string): string | undefined {
  if (!path.trim()) return 'Give the path in the result (data.slot.id).';
  return /^[A-Za-z_$][\w$-]*(\.[\w$-]+|\[\d+\])*$/.test(path.trim())
    ? undefined
    : `“${path}” is not a dot path (data.slot.id, items[0].name).`;
}

/** A JSON textarea's draft: its value (`undefined` when empty) or the parse error. */
export function parseJsonDraft(
  text: string,
  options: { object?: boolean } = {},
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    const value = JSON.parse(text) as unknown;
    if (options.object && (typeof value !== 'object' || value === null || Array.isArray(value)))
      return { ok: false, error: 'Must be a JSON object ({ … }).' };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}
