import type { z } from 'zod';
import { formatPath } from '../checks/paths.js';
import { canonicalJson } from '../diff/index.js';
import type { FlowDocument, FlowNode } from '../schema/index.js';
import { EditError } from './edit-error.js';
import { isValidId } from './ids.js';

/** Parses with `schema` or throws `INVALID_VALUE` naming `what` and every issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = formatPath(issue.path.filter((s): s is string | number => typeof s !== 'symbol'));
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new EditError('INVALID_VALUE', `${what} is not valid: ${issues.join('; ')}.`);
}

/** `{...item, ...patch}` where a key set to `undefined` removes the field. */
export function merge<T extends object>(item: T, patch: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** Deep equality of JSON-like values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || canonicalJson(a) === canonicalJson(b);
}

export function findNode(flow: FlowDocument, id: string): FlowNode {
  const node = flow.nodes.find((n) => n.id === id);
  if (!node) throw new EditError('NODE_NOT_FOUND', `There is no node "${id}".`);
  return node;
}

export function checkNewId(id: string, taken: ReadonlySet<string>, what: string): void {
  if (!isValidId(id))
    throw new EditError(
      'INVALID_ID',
      `"${id}" cannot be ${what} id: use lower case letters, digits and underscores, starting with a letter.`,
    );
  if (taken.has(id))
    throw new EditError('ID_TAKEN', `"${id}" is already used by another ${what.replace(/^an? /, '')}.`);
}

/** `record[key]` for own keys only (an id such as "constructor" must not find Object.prototype's). */
export function own<V>(record: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
