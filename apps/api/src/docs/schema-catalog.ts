import { z } from 'zod';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as plain data. */
export type JsonSchema = { [key: string]: unknown };

/** Which side of a zod schema a use documents: what a client sends, or what it receives. */
export type SchemaIo = 'input' | 'output';

export interface SchemaUse {
  schema: z.ZodType;
  io: SchemaIo;
  /**
   * Expand the schema in place (query and path parameters are read property by property), even
   * when it has a name of its own; what it refers to still becomes components.
   */
  inline?: boolean;
  /** the component name to use if this schema has none and turns out to be shared between routes */
  hint: string;
}

export interface ConvertedSchemas {
  /** `components.schemas`: every named schema some route refers to, directly or through another */
  components: Record<string, JsonSchema>;
  /** what to put where a use occurs: a `$ref` to a component, or the schema itself */
  schemaOf(use: SchemaUse): JsonSchema;
}

const REF = 'ref:';
const SHARED = '__shared';
const COMPONENT_PREFIX = '#/components/schemas/';
const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

/** Nodes are identified by `<registry id>` or `__shared/<def>` (schemas zod extracted itself). */
type NodeId = string;
const key = (id: NodeId, io: SchemaIo) => `${io} ${id}`;

function isZodSchema(value: unknown): value is z.ZodType {
  return (
    typeof value === 'object' &&
    value !== null &&
    '_zod' in value &&
    typeof (value as z.ZodType).safeParse === 'function'
  );
}

/**
 * Names for the schemas a module exports (`FlowSummarySchema` → `FlowSummary`); a schema with an
 * `id` in zod's global registry keeps that id. One object exported under several names (aliases
 * such as `ApiKeyListQuerySchema = PageQuerySchema`) takes the shortest that does not name a role.
 */
export function schemaNamesOf(...modules: Record<string, unknown>[]): Map<z.ZodType, string> {
  const candidates = new Map<z.ZodType, string[]>();
  for (const module of modules) {
    for (const [exportName, value] of Object.entries(module)) {
      if (!isZodSchema(value)) continue;
      const name = exportName.replace(/Schema$/, '');
      if (!COMPONENT_NAME.test(name)) continue;
      candidates.set(value, [...(candidates.get(value) ?? []), name]);
    }
  }
  const names = new Map<z.ZodType, string>();
  const taken = new Set<string>();
  for (const [schema, list] of candidates) {
    const globalId = z.globalRegistry.get(schema)?.id;
    const preferred = typeof globalId === 'string' ? globalId : [...list].sort(byPreference)[0]!;
    names.set(schema, unique(preferred, taken));
  }
  return names;
}

// `ImportFlowBodySchema = FlowDocumentJsonSchema`: the alias that names a role (body, query…) is the lesser name
const ROLE_NAME = /(Body|Request|Response|Query|Params)$/;
const byPreference = (a: string, b: string) =>
  Number(ROLE_NAME.test(a)) - Number(ROLE_NAME.test(b)) || a.length - b.length || a.localeCompare(b);

function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}${n}`;
  taken.add(candidate);
  return candidate;
}

/** JSON with object keys sorted, so that two schemas compare equal whatever order zod wrote them in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function mapRefs(value: unknown, map: (ref: string) => string | JsonSchema): unknown {
  if (Array.isArray(value)) return value.map((item) => mapRefs(item, map));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith(REF)) {
    const replaced = map(ref);
    if (typeof replaced !== 'string') {
      // an inlined schema: keep any sibling keywords (a description on the use) next to it
      const siblings = entries.filter(([k]) => k !== '$ref').map(([k, v]) => [k, mapRefs(v, map)] as const);
      return { ...replaced, ...Object.fromEntries(siblings) };
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, k === '$ref' ? replaced : mapRefs(v, map)]));
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, mapRefs(v, map)]));
}

function refsOf(value: unknown, into: Set<NodeId> = new Set()): Set<NodeId> {
  mapRefs(value, (ref) => {
    into.add(nodeOfRef(ref));
    return ref;
  });
  return into;
}

function nodeOfRef(ref: string): NodeId {
  const target = ref.slice(REF.length);
  const shared = `${SHARED}#/$defs/`;
  return target.startsWith(shared) ? `${SHARED}/${target.slice(shared.length)}` : target;
}

function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * Converts the zod schemas of every route to JSON Schema with zod's own `z.toJSONSchema`, in one
 * pass per direction over a registry of all of them, so that a schema reused by several routes (or
 * inside several schemas) is written once, as a component, and referred to by `$ref`.
 *
 * A schema converts differently as input and as output (defaults make a field optional to send
 * but always present in answers; objects drop unknown keys on output). When the two differ, the
 * input form is its own component, `<Name>Input`.
 */
export function convertSchemas(uses: SchemaUse[], names: Map<z.ZodType, string>): ConvertedSchemas {
  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  const hintOf = new Map<NodeId, string>();
  for (const [schema, name] of names) {
    registry.add(schema, { id: name });
    idOf.set(schema, name);
  }
  let anonymous = 0;
  for (const use of uses) {
    if (idOf.has(use.schema)) continue;
    const id = `__route${anonymous++}`;
    registry.add(use.schema, { id });
    idOf.set(use.schema, id);
    hintOf.set(id, use.hint);
  }

  // 1. every node, both ways
  const nodes = new Map<string, JsonSchema>();
  for (const io of ['input', 'output'] as const) {
    const converted = z.toJSONSchema(registry, {
      io,
      uri: (id) => `${REF}${id}`,
      unrepresentable: 'any',
    }) as { schemas: Record<string, JsonSchema> };
    for (const [id, schema] of Object.entries(converted.schemas)) {
      if (id === SHARED) {
        const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
        for (const [def, defSchema] of Object.entries(defs)) nodes.set(key(`${SHARED}/${def}`, io), defSchema);
      } else {
        nodes.set(key(id, io), stripMeta(schema));
      }
    }
  }
  const nodeOf = (id: NodeId, io: SchemaIo): JsonSchema => {
    const node = nodes.get(key(id, io));
    if (!node) throw new Error(`zod produced no schema for ${id} (${io})`);
    return node;
  };

  // 2. which nodes need a separate input form: those that differ, and those that refer to one
  const separateInput = new Set<NodeId>();
  const ids = new Set([...nodes.keys()].map((k) => k.slice(k.indexOf(' ') + 1)));
  for (const id of ids) {
    const input = nodes.get(key(id, 'input'));
    const output = nodes.get(key(id, 'output'));
    if (!input || !output || canonical(input) !== canonical(output)) separateInput.add(id);
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const id of ids) {
      const input = nodes.get(key(id, 'input'));
      if (separateInput.has(id) || !input) continue;
      if ([...refsOf(input)].some((target) => separateInput.has(target))) {
        separateInput.add(id);
        changed = true;
      }
    }
  }

  // 3. what the routes reach, and how often each node is referred to
  const referenced = new Map<string, number>();
  const reached = new Set<string>();
  const visit = (id: NodeId, io: SchemaIo): void => {
    const k = key(id, io);
    if (reached.has(k)) return;
    reached.add(k);
    for (const target of refsOf(nodeOf(id, io))) refer(target, io);
  };
  const refer = (id: NodeId, io: SchemaIo): void => {
    referenced.set(key(id, io), (referenced.get(key(id, io)) ?? 0) + 1);
    visit(id, io);
  };
  for (const use of uses) {
    const id = idOf.get(use.schema)!;
    if (use.inline) visit(id, use.io);
    else refer(id, use.io);
  }

  // 4. names: a route's own schema used once is written in place; what is referred to is a component
  const taken = new Set<string>(names.values());
  const named = new Set<string>(names.values());
  const componentName = new Map<string, string>();
  const plainName = new Map<NodeId, string>();
  const inlined = new Set<string>();
  for (const k of reached) {
    const count = referenced.get(k) ?? 0;
    if (count === 0) continue; // only ever expanded in place (parameters)
    const io = k.slice(0, k.indexOf(' ')) as SchemaIo;
    const id = k.slice(k.indexOf(' ') + 1);
    const routeHint = hintOf.get(id);
    if (routeHint !== undefined && count === 1 && !refsOf(nodeOf(id, io)).has(id)) {
      inlined.add(k);
      continue;
    }
    // `<Name>Input` only when both forms are in the document and they differ
    const separate = io === 'input' && separateInput.has(id) && (referenced.get(key(id, 'output')) ?? 0) > 0;
    if (separate) {
      componentName.set(k, unique(`${baseName(id, routeHint)}Input`, taken));
    } else {
      if (!plainName.has(id)) plainName.set(id, named.has(id) ? id : unique(baseName(id, routeHint), taken));
      componentName.set(k, plainName.get(id)!);
    }
  }
  // a route-local schema that is only expanded in place (and never referred to) is inlined too
  for (const k of reached) if (!componentName.has(k)) inlined.add(k);

  const rewrite = (schema: JsonSchema, io: SchemaIo): JsonSchema =>
    mapRefs(schema, (ref) => {
      const target = key(nodeOfRef(ref), io);
      if (inlined.has(target)) return rewrite(nodeOf(nodeOfRef(ref), io), io);
      return `${COMPONENT_PREFIX}${componentName.get(target)!}`;
    }) as JsonSchema;

  const components: Record<string, JsonSchema> = {};
  for (const [k, name] of [...componentName].sort(([, a], [, b]) => a.localeCompare(b))) {
    const io = k.slice(0, k.indexOf(' ')) as SchemaIo;
    components[name] = rewrite(nodeOf(k.slice(k.indexOf(' ') + 1), io), io);
  }

  return {
    components,
    schemaOf(use) {
      const id = idOf.get(use.schema);
      if (id === undefined) throw new Error(`schema of "${use.hint}" was not collected before conversion`);
      const k = key(id, use.io);
      if (use.inline || inlined.has(k)) return rewrite(nodeOf(id, use.io), use.io);
      return { $ref: `${COMPONENT_PREFIX}${componentName.get(k)!}` };
    },
  };
}

function baseName(id: NodeId, routeHint: string | undefined): string {
  if (routeHint !== undefined) return routeHint;
  return id.startsWith(`${SHARED}/`) ? id.slice(SHARED.length + 1).replace(/^schema(\d+)$/, 'Schema$1') : id;
}
