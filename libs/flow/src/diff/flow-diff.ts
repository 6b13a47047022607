import type { FlowDocument } from '../schema/index.js';

/**
 * The logic of a flow: the document without its layout, with object keys sorted, so two
 * versions that differ only in dragged nodes have the same logic (and checksum).
 */
export function flowLogic(flow: FlowDocument): Omit<FlowDocument, 'layout'> {
  const { layout: _layout, ...logic } = flow;
  return logic;
}

/** Canonical JSON (sorted keys, no whitespace) of a value: the input of a logic checksum. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) sorted[key] = sortKeys(v);
    }
    return sorted;
  }
  return value;
}

export interface FieldChange {
  /** dot path inside the item, e.g. `capture.type`, `text` */
  path: string;
  before: unknown;
  after: unknown;
}
export interface ItemChanges<T> {
  added: T[];
  removed: T[];
  changed: Array<{ id: string; before: T; after: T; fields: FieldChange[] }>;
}
export interface FlowDiff {
  nodes: ItemChanges<FlowDocument['nodes'][number]>;
  edges: ItemChanges<FlowDocument['edges'][number]>;
  globals: ItemChanges<FlowDocument['globals'][number]>;
  variables: ItemChanges<FlowDocument['variables'][number]>;
  tools: ItemChanges<FlowDocument['tools'][number]>;
  tests: ItemChanges<FlowDocument['tests'][number]>;
  /** changes to meta, purpose, settings and entry */
  settings: FieldChange[];
  /** true when nothing in the logic differs */
  identical: boolean;
}

/** A logic diff between two flows (layout ignored): what was added, removed and changed. */
export function diffFlows(before: FlowDocument, after: FlowDocument): FlowDiff {
  const nodes = diffItems(before.nodes, after.nodes, (n) => n.id);
  const edges = diffItems(before.edges, after.edges, (e) => e.id);
  const globals = diffItems(before.globals, after.globals, (g) => g.id);
  const variables = diffItems(before.variables, after.variables, (v) => v.name);
  const tools = diffItems(before.tools, after.tools, (t) => t.id);
  const tests = diffItems(before.tests, after.tests, (t) => t.name);
  const settings = fieldChanges(
    { meta: before.meta, purpose: before.purpose, settings: before.settings, entry: before.entry },
    { meta: after.meta, purpose: after.purpose, settings: after.settings, entry: after.entry },
  );
  const all = [nodes, edges, globals, variables, tools, tests];
  const identical =
    settings.length === 0 && all.every((d) => !d.added.length && !d.removed.length && !d.changed.length);
  return { nodes, edges, globals, variables, tools, tests, settings, identical };
}

function diffItems<T>(before: readonly T[], after: readonly T[], idOf: (item: T) => string): ItemChanges<T> {
  const old = new Map(before.map((item) => [idOf(item), item]));
  const next = new Map(after.map((item) => [idOf(item), item]));
  const changes: ItemChanges<T> = { added: [], removed: [], changed: [] };
  for (const [id, item] of next) {
    const previous = old.get(id);
    if (previous === undefined) changes.added.push(item);
    else {
      const fields = fieldChanges(previous, item);
      if (fields.length > 0) changes.changed.push({ id, before: previous, after: item, fields });
    }
  }
  for (const [id, item] of old) if (!next.has(id)) changes.removed.push(item);
  return changes;
}

/** leaf-level differences between two JSON values; arrays compare as wholes */
function fieldChanges(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  if (canonicalJson(before) === canonicalJson(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return [{ path: prefix || '(value)', before, after }];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => fieldChanges(before[key], after[key], prefix ? `${prefix}.${key}` : key));
}
