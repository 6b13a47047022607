import type { z } from 'zod';
import { FlowGraph } from '../graph/index.js';
import {
  EdgeSchema,
  FLOW_SCHEMA_ID,
  GlobalSchema,
  LayoutSchema,
  MetaSchema,
  NODE_ID_PATTERN,
  NodeSchema,
  PurposeSchema,
  ScenarioSchema,
  SettingsSchema,
  ToolSchema,
  VariableSchema,
  type FlowDocument,
} from '../schema/index.js';
import type { Diagnostic } from './diagnostics.js';
import { formatPath, type PathSegment } from './paths.js';
import { isRecord } from './schema-issues.js';

export type Collection = 'nodes' | 'edges' | 'globals' | 'tools' | 'variables' | 'tests';

/**
 * What every check receives: the flow (parsed, or salvaged from a document the schema
 * refused), its graph, and how to report. When the document was salvaged, elements the
 * schema refused are left out of `flow`; their ids are in `broken` so that references to
 * them are not reported as missing, and `complete` is false so that whole-graph checks
 * (reachability, cycles, dataflow, compliance) are skipped rather than misled.
 */
export class CheckContext {
  readonly graph: FlowGraph;
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly flow: FlowDocument,
    /** every element parsed and `entry` valid: whole-graph checks may run */
    readonly complete: boolean,
    /** `meta` and `purpose` parsed: compliance lints may run */
    readonly headerValid: boolean,
    /** ids (names for variables) of the elements the schema refused */
    readonly broken: Readonly<Record<Collection, ReadonlySet<string>>>,
    /** index in the raw document of each element of `flow`'s arrays */
    private readonly rawIndex: Readonly<Record<Collection, readonly number[]>>,
    /** `from` of the edges the schema refused: their wiring is unknown */
    readonly brokenEdgeSources: ReadonlySet<string> = new Set(),
    /** collections the schema refused in part or whole (some elements are missing) */
    readonly partial: ReadonlySet<Collection> = new Set(),
  ) {
    this.graph = new FlowGraph(flow);
  }

  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  /** Path of the `index`-th element of a collection of `flow` (as in the raw document). */
  path(collection: Collection, index: number, ...rest: PathSegment[]): string {
    const raw = this.rawIndex[collection][index] ?? index;
    return formatPath([collection, raw, ...rest]);
  }

  nodeExists(id: string): boolean {
    return this.graph.nodes.has(id) || this.broken.nodes.has(id);
  }

  toolExists(id: string): boolean {
    return this.graph.tools.has(id) || this.broken.tools.has(id);
  }

  variableExists(name: string): boolean {
    return this.graph.variables.has(name) || this.broken.variables.has(name);
  }

  private indexes?: Map<string, number>;

  /** Index in `flow.nodes` of the first node with this id. */
  nodeIndex(id: string): number | undefined {
    if (!this.indexes) {
      this.indexes = new Map();
      this.flow.nodes.forEach((n, i) => {
        if (!this.indexes!.has(n.id)) this.indexes!.set(n.id, i);
      });
    }
    return this.indexes.get(id);
  }

  nodePath(id: string, ...rest: PathSegment[]): string | undefined {
    const index = this.nodeIndex(id);
    return index === undefined ? undefined : this.path('nodes', index, ...rest);
  }
}

const identity = (length: number): number[] => Array.from({ length }, (_, i) => i);

/** A context over a document the schema accepted. */
export function contextForParsed(flow: FlowDocument): CheckContext {
  const empty = new Set<string>();
  return new CheckContext(
    flow,
    true,
    true,
    { nodes: empty, edges: empty, globals: empty, tools: empty, variables: empty, tests: empty },
    {
      nodes: identity(flow.nodes.length),
      edges: identity(flow.edges.length),
      globals: identity(flow.globals.length),
      tools: identity(flow.tools.length),
      variables: identity(flow.variables.length),
      tests: identity(flow.tests.length),
    },
  );
}

/**
 * A context over what can be read of a document the schema refused, or undefined when
 * it is not even an object.
 */
export function contextForSalvage(raw: unknown): CheckContext | undefined {
  if (!isRecord(raw)) return undefined;
  let complete = true;
  const broken: Record<Collection, Set<string>> = {
    nodes: new Set(),
    edges: new Set(),
    globals: new Set(),
    tools: new Set(),
    variables: new Set(),
    tests: new Set(),
  };
  const rawIndex: Record<Collection, number[]> = {
    nodes: [],
    edges: [],
    globals: [],
    tools: [],
    variables: [],
    tests: [],
  };
  const brokenEdgeSources = new Set<string>();
  const partial = new Set<Collection>();

  const collect = <S extends z.ZodType>(name: Collection, schema: S, key: 'id' | 'name'): z.output<S>[] => {
    const list = raw[name];
    const out: z.output<S>[] = [];
    if (list === undefined) {
      if (name === 'nodes') partial.add(name); // required
      return out;
    }
    if (!Array.isArray(list)) {
      complete = false;
      partial.add(name);
      return out;
    }
    list.forEach((element: unknown, index) => {
      const parsed = schema.safeParse(element);
      if (parsed.success) {
        out.push(parsed.data);
        rawIndex[name].push(index);
      } else {
        complete = false;
        partial.add(name);
        const id = isRecord(element) ? element[key] : undefined;
        if (typeof id === 'string') broken[name].add(id);
        const from = name === 'edges' && isRecord(element) ? element['from'] : undefined;
        if (typeof from === 'string') brokenEdgeSources.add(from);
      }
    });
    return out;
  };

  const meta = MetaSchema.safeParse(raw['meta']);
  const purpose = PurposeSchema.safeParse(raw['purpose']);
  const settings = SettingsSchema.safeParse(raw['settings'] ?? {});
  const layout = raw['layout'] === undefined ? undefined : LayoutSchema.safeParse(raw['layout']);
  const entry = typeof raw['entry'] === 'string' && NODE_ID_PATTERN.test(raw['entry']) ? raw['entry'] : undefined;
  if (entry === undefined) complete = false;

  const flow: FlowDocument = {
    schema: FLOW_SCHEMA_ID,
    meta: meta.success ? meta.data : { name: '', locale: 'en-US' },
    purpose: purpose.success ? purpose.data : 'INFORMATIONAL',
    settings: settings.success ? settings.data : SettingsSchema.parse({}),
    variables: collect('variables', VariableSchema, 'name'),
    tools: collect('tools', ToolSchema, 'id'),
    entry: entry ?? '',
    nodes: collect('nodes', NodeSchema, 'id'),
    edges: collect('edges', EdgeSchema, 'id'),
    globals: collect('globals', GlobalSchema, 'id'),
    tests: collect('tests', ScenarioSchema, 'name'),
    ...(layout?.success ? { layout: layout.data } : {}),
  };
  return new CheckContext(
    flow,
    complete,
    meta.success && purpose.success,
    broken,
    rawIndex,
    brokenEdgeSources,
    partial,
  );
}
