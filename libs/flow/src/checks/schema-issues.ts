import type { z } from 'zod';
import { FlowDocumentSchema } from '../schema/index.js';
import { diagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
import { formatPath, type PathSegment } from './paths.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/**
 * zod issues → diagnostics a person can act on: one per problem, naming the node, edge,
 * tool, … it sits in (by id when the raw input has one), with the field, a `SCHEMA_*`
 * code and — for a misspelt field — the field that was probably meant.
 */
export function schemaDiagnostics(input: unknown, issues: readonly Issue[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) mapIssue(input, issue, [], out);
  return dedupe(out);
}

function mapIssue(root: unknown, issue: Issue, prefix: readonly PathSegment[], out: Diagnostic[]): void {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  /** `subject`: what the message is about (default: the value at `where`) */
  const at = (
    code: DiagnosticCode,
    text: string,
    where: readonly PathSegment[] = path,
    subject: readonly PathSegment[] = where,
  ): void => {
    out.push(
      diagnostic(code, `${describeLocation(root, subject, code !== 'SCHEMA_UNKNOWN_NODE_TYPE')}${text}`, {
        ...ownerIds(root, where),
        path: formatPath(where),
      }),
    );
  };
  const value = valueAt(root, path);

  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) {
        at('SCHEMA_REQUIRED', path.length === 0 ? 'the document is empty' : 'is required');
        return;
      }
      if (path.length === 0) {
        at('SCHEMA_INVALID_TYPE', `a flow must be a JSON object, not ${kindOf(value)}`);
        return;
      }
      at('SCHEMA_INVALID_TYPE', `must be ${article(describeExpected(issue.expected))}, not ${kindOf(value)}`);
      return;
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeys(root, path);
      for (const key of issue.keys) {
        const hint = suggest(key, allowed);
        at(
          'SCHEMA_UNKNOWN_FIELD',
          `unknown field "${key}"${hint ? ` — did you mean "${hint}"?` : ''}`,
          [...path, key],
          path,
        );
      }
      return;
    }
    case 'invalid_value': {
      if (path.length === 1 && path[0] === 'schema') {
        at('SCHEMA_VERSION', `must be "switchboard.flow/v1" (got ${JSON.stringify(value)})`);
        return;
      }
      if (value === undefined) {
        at('SCHEMA_REQUIRED', `is required: one of ${listValues(issue.values)}`);
        return;
      }
      at(
        'SCHEMA_INVALID_VALUE',
        `must be ${issue.values.length === 1 ? '' : 'one of '}${listValues(issue.values)} (got ${preview(value)})`,
      );
      return;
    }
    case 'invalid_union': {
      if (issue.errors.length === 0 || 'discriminator' in issue) {
        // a discriminated union whose `type`/`kind` matched no option
        const options = 'options' in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : [];
        const list = listValues(options);
        if (value === undefined) at('SCHEMA_REQUIRED', `is required: one of ${list}`);
        else if (path.at(-1) === 'type' && path[0] === 'nodes')
          at(
            'SCHEMA_UNKNOWN_NODE_TYPE',
            `unknown node type ${preview(value)}; the types are ${list}`,
            path,
            path.slice(0, -1),
          );
        else at('SCHEMA_INVALID_VALUE', `must be one of ${list} (got ${preview(value)})`);
        return;
      }
      const branch = pickBranch(root, path, issue.errors);
      if (!branch) {
        at('SCHEMA_INVALID', 'does not match any allowed form');
        return;
      }
      for (const sub of branch) mapIssue(root, sub, path, out);
      return;
    }
    case 'invalid_format': {
      const detail = issue.message.startsWith('must')
        ? issue.message
        : `must be ${describeFormat(issue.format, issue.message)}`;
      at('SCHEMA_INVALID_FORMAT', `${detail} (got ${preview(value)})`);
      return;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      if (small && Number(bound) === 1 && (issue.origin === 'string' || issue.origin === 'array')) {
        at('SCHEMA_EMPTY', 'must not be empty');
        return;
      }
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      const inclusive = issue.inclusive !== false;
      const relation = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
      at('SCHEMA_OUT_OF_RANGE', `must be ${relation} ${String(bound)}${unit} (got ${preview(value)})`);
      return;
    }
    default:
      at('SCHEMA_INVALID', issue.message);
  }
}

/** Of a union's failed options, the one the author most likely meant. */
function pickBranch(root: unknown, path: readonly PathSegment[], branches: readonly Issue[][]): Issue[] | undefined {
  const value = valueAt(root, path);
  // edges: `kind: "intent"` means the intent form, anything else the outcome form
  if (path.length === 2 && path[0] === 'edges' && branches.length === 2 && isRecord(value)) {
    return value['kind'] === 'intent' ? branches[0] : branches[1];
  }
  let best: Issue[] | undefined;
  for (const branch of branches) {
    const rootTypeMismatch = branch.some((i) => i.path.length === 0 && i.code === 'invalid_type');
    if (rootTypeMismatch) continue;
    if (!best || branch.length < best.length) best = branch;
  }
  return best ?? branches[0];
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.path ?? ''}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------- wording

const COLLECTIONS: Record<string, { label: string; key: string }> = {
  nodes: { label: 'Node', key: 'id' },
  edges: { label: 'Edge', key: 'id' },
  globals: { label: 'Global', key: 'id' },
  tools: { label: 'Tool', key: 'id' },
  variables: { label: 'Variable', key: 'name' },
  tests: { label: 'Scenario', key: 'name' },
};

/** `Node "ask" (question): capture.var ` — the subject of a message, ending in a space or colon. */
function describeLocation(root: unknown, path: readonly PathSegment[], withType = true): string {
  if (path.length === 0) return '';
  const [head, index, ...rest] = path;
  const collection = typeof head === 'string' ? COLLECTIONS[head] : undefined;
  if (collection && typeof index === 'number') {
    const element = valueAt(root, [head as string, index]);
    const name = isRecord(element) ? element[collection.key] : undefined;
    const type =
      withType && head === 'nodes' && isRecord(element) && typeof element['type'] === 'string'
        ? ` (${element['type']})`
        : '';
    const subject =
      typeof name === 'string' && name !== ''
        ? `${collection.label} "${name}"${type}`
        : `${collection.label} #${index + 1}${type}`;
    return rest.length === 0 ? `${subject}: ` : `${subject}: ${formatPath(rest)} `;
  }
  return `${formatPath(path)} `;
}

function ownerIds(root: unknown, path: readonly PathSegment[]): { nodeId?: string; edgeId?: string } {
  const [head, index, key] = path;
  if ((head === 'nodes' || head === 'edges') && typeof index === 'number') {
    const element = valueAt(root, [head, index]);
    const id = isRecord(element) ? element['id'] : undefined;
    if (typeof id === 'string' && id !== '') return head === 'nodes' ? { nodeId: id } : { edgeId: id };
  }
  if (head === 'layout' && index === 'nodes' && typeof key === 'string') return { nodeId: key };
  return {};
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${preview(value)}`;
    case 'number':
      return `the number ${String(value)}`;
    case 'boolean':
      return `${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
    case 'int':
      return expected === 'int' ? 'whole number' : 'number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'list';
    case 'object':
    case 'record':
      return 'object';
    default:
      return expected;
  }
}

function article(noun: string): string {
  if (noun === 'true or false' || noun === 'text') return noun === 'text' ? 'a text' : noun;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describeFormat(format: string, fallback: string): string {
  switch (format) {
    case 'datetime':
      return 'an ISO 8601 date and time with an offset, such as 2026-03-10T15:00:00Z';
    case 'date':
      return 'a date such as 2026-03-10';
    case 'url':
      return 'a URL';
    case 'email':
      return 'an email address';
    default:
      return `in the expected format (${fallback})`;
  }
}

function listValues(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

// ---------------------------------------------------------------- raw input and schema navigation

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current) && typeof segment === 'string' && Object.hasOwn(current, segment))
      current = current[segment];
    else return undefined;
  }
  return current;
}

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  innerType?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  values?: unknown[];
  in?: AnySchema;
}

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

/** The option of a union that `value` was meant for. */
function chooseOption(def: Def, value: unknown): AnySchema | undefined {
  const options = def.options ?? [];
  if (!isRecord(value)) return undefined;
  const discriminator = def.discriminator ?? ('kind' in value ? 'kind' : undefined);
  if (discriminator) {
    for (const option of options) {
      const shape = defOf(unwrap(option)).shape;
      const literal = shape?.[discriminator];
      if (!literal) continue;
      const values = defOf(unwrap(literal)).values ?? [];
      if (values.includes(value[discriminator])) return option;
    }
    // an outcome edge may omit `kind`
    if (value[discriminator] === undefined) {
      return options.find((o) => {
        const k = defOf(unwrap(o)).shape?.[discriminator];
        return k !== undefined && defOf(k).type === 'optional';
      });
    }
  }
  return undefined;
}

function schemaAt(root: unknown, path: readonly PathSegment[]): AnySchema | undefined {
  let schema: AnySchema | undefined = FlowDocumentSchema;
  let value: unknown = root;
  const step = (s: AnySchema, v: unknown): AnySchema | undefined => {
    const u = unwrap(s);
    const def = defOf(u);
    return def.type === 'union' ? chooseOption(def, v) : u;
  };
  for (const segment of path) {
    if (!schema) return undefined;
    const current = step(schema, value);
    if (!current) return undefined;
    const def = defOf(current);
    if (def.type === 'object' && typeof segment === 'string') schema = def.shape?.[segment];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return undefined;
    value = valueAt(value, [segment]);
  }
  return schema ? step(schema, value) : undefined;
}

function allowedKeys(root: unknown, path: readonly PathSegment[]): string[] {
  const schema = schemaAt(root, path);
  if (!schema) return [];
  const def = defOf(schema);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function suggest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3;
  return bestDistance <= limit ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
