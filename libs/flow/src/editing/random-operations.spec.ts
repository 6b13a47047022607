import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  acceptsIntentEdges,
  canonicalJson,
  flowLogic,
  FlowDocumentSchema,
  isTerminalNode,
  NODE_TYPES,
  outcomeHandles,
  validateFlow,
  type FlowDocument,
} from '../index.js';
import {
  applyOperation,
  apply,
  canRedo,
  canUndo,
  copyNodes,
  createHistory,
  EditError,
  LAYOUT_OPERATIONS,
  nodeHandles,
  redo,
  toCanvas,
  undo,
  type FlowOperation,
} from './index.js';

const flowsDir = fileURLToPath(new URL('../../../../flows/', import.meta.url));
const files = readdirSync(flowsDir).filter((f) => f.endsWith('.flow.json'));
const loadExample = (file: string): FlowDocument =>
  deepFreeze(FlowDocumentSchema.parse(JSON.parse(readFileSync(flowsDir + file, 'utf8'))));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** mulberry32: a small seeded generator, so a failing sequence can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

/** One random operation for the current document: mostly valid, sometimes deliberately not. */
function randomOperation(r: Rng, flow: FlowDocument, other: FlowDocument): FlowOperation {
  const node = () => r.pick(flow.nodes);
  const nodeId = () => (r.chance(0.03) ? 'ghost' : node().id);
  const pos = () => ({ x: r.int(4000) - 2000, y: r.int(4000) - 2000 });
  const fresh = (prefix: string) => `${prefix}_${r.int(50)}`;
  switch (r.int(21)) {
    case 0:
      return { type: 'addNode', request: { type: r.pick(NODE_TYPES), position: pos() } };
    case 1:
      return { type: 'updateNode', id: nodeId(), patch: nodePatch(r, node()) };
    case 2: {
      const n = node();
      return { type: 'updateNode', id: n.id, patch: nodePatch(r, n) };
    }
    case 3:
      return { type: 'renameNode', from: nodeId(), to: r.chance(0.2) ? node().id : fresh('n') };
    case 4:
      return { type: 'removeNodes', ids: [nodeId(), ...(r.chance(0.3) ? [nodeId()] : [])] };
    case 5:
    case 6:
      return { type: 'moveNodes', positions: Object.fromEntries([node(), node()].map((n) => [n.id, pos()])) };
    case 7:
      return { type: 'duplicateNodes', ids: [node().id, node().id] };
    case 8: {
      const ids = [r.pick(other.nodes).id, r.pick(other.nodes).id, r.pick(other.nodes).id];
      return { type: 'pasteNodes', clipboard: copyNodes(other, ids), ...(r.chance(0.5) ? { at: pos() } : {}) };
    }
    case 9:
    case 10:
    case 11: {
      const source = node();
      const handles = nodeHandles(source).map((h) => h.id);
      const handle = handles.length && !r.chance(0.1) ? r.pick(handles) : r.pick(['next', 'intent', 'bogus']);
      return { type: 'connect', connection: { source: source.id, sourceHandle: handle, target: nodeId() } };
    }
    case 12:
      return {
        type: 'addIntentEdge',
        request: {
          source: nodeId(),
          target: nodeId(),
          intent: r.pick(['yes', 'no', 'ask_human'] as const),
          label: 'random',
        },
      };
    case 13: {
      if (!flow.edges.length) return { type: 'removeEdges', ids: [] };
      const e = r.pick(flow.edges);
      return r.chance(0.5)
        ? { type: 'updateEdge', id: e.id, patch: { to: nodeId() } }
        : { type: 'updateEdge', id: e.id, patch: { label: r.chance(0.5) ? 'renamed' : undefined } };
    }
    case 14:
      return { type: 'removeEdges', ids: flow.edges.length ? [r.pick(flow.edges).id] : [] };
    case 15: {
      const trigger = r.pick([
        { kind: 'intent', intent: 'repeat' },
        { kind: 'dtmf', digits: String(r.int(10)) },
        { kind: 'event', event: 'silence' },
      ] as const);
      return {
        type: 'addGlobal',
        global: { trigger, goto: nodeId(), ...(r.chance(0.3) ? { scope: [nodeId()] } : {}) },
      };
    }
    case 16: {
      if (!flow.globals.length) return { type: 'removeGlobal', id: 'none' };
      const g = r.pick(flow.globals);
      return r.chance(0.3)
        ? { type: 'removeGlobal', id: g.id }
        : { type: 'updateGlobal', id: g.id, patch: r.chance(0.5) ? { goto: nodeId() } : { scope: [nodeId()] } };
    }
    case 17: {
      const v = flow.variables.length ? r.pick(flow.variables) : undefined;
      if (!v || r.chance(0.3))
        return { type: 'addVariable', variable: { name: fresh('v'), type: 'string', source: 'captured' } };
      return r.chance(0.3)
        ? { type: 'removeVariable', name: v.name }
        : { type: 'updateVariable', name: v.name, patch: { name: fresh('v') } };
    }
    case 18: {
      const t = flow.tools.length ? r.pick(flow.tools) : undefined;
      if (!t || r.chance(0.4))
        return { type: 'addTool', tool: { id: fresh('t'), kind: 'builtin', name: 'contact.lookup' } };
      return r.chance(0.3)
        ? { type: 'removeTool', id: t.id }
        : { type: 'updateTool', id: t.id, patch: { id: fresh('t') } };
    }
    case 19:
      return r.chance(0.5)
        ? { type: 'updateSettings', patch: { defaults: { maxAttempts: 1 + r.int(10) } } }
        : { type: 'updateMeta', patch: { name: `Flow ${r.int(100)}` } };
    default:
      return r.chance(0.15)
        ? { type: 'autoLayout', options: { direction: r.pick(['TB', 'LR'] as const) } }
        : { type: 'setViewport', viewport: { x: 0, y: 0, zoom: 1 } };
  }
}

function nodePatch(r: Rng, node: FlowDocument['nodes'][number]): Record<string, unknown> {
  if (r.chance(0.2)) return { label: r.chance(0.5) ? `Label ${r.int(9)}` : undefined };
  switch (node.type) {
    case 'question':
      return {
        capture: r.pick([
          { var: node.capture.var, type: 'yes_no' },
          { var: node.capture.var, type: 'text' },
          {
            var: node.capture.var,
            type: 'choice',
            values: [
              { id: `c${r.int(3)}`, label: 'One' },
              { id: 'c9', label: 'Nine' },
            ],
          },
        ]),
      };
    case 'branch':
      return { cases: [{ id: `k${r.int(3)}`, when: 'true' }, ...(r.chance(0.5) ? [{ id: 'k9', when: 'false' }] : [])] };
    case 'llm':
      return { maxTurns: r.chance(0.1) ? 0 : 1 + r.int(20) };
    case 'say':
      return { text: r.chance(0.1) ? '' : `Hello ${r.int(9)}` };
    default:
      return { description: `d${r.int(9)}` };
  }
}

/** What the edit model promises whatever the sequence (the checks may still find things to fix). */
function structuralProblems(flow: FlowDocument): string[] {
  const problems: string[] = [];
  const nodes = new Map(flow.nodes.map((n) => [n.id, n]));
  if (nodes.size !== flow.nodes.length) problems.push('duplicate node ids');
  if (new Set(flow.edges.map((e) => e.id)).size !== flow.edges.length) problems.push('duplicate edge ids');
  if (nodes.get(flow.entry)?.type !== 'start') problems.push('entry is not a start node');
  if (flow.nodes.filter((n) => n.type === 'start').length !== 1) problems.push('not exactly one start node');
  const used = new Set<string>();
  for (const e of flow.edges) {
    const from = nodes.get(e.from);
    const to = nodes.get(e.to);
    if (!from || !to) problems.push(`${e.id}: missing end`);
    else if (to.type === 'start') problems.push(`${e.id}: into start`);
    else if (isTerminalNode(from)) problems.push(`${e.id}: out of a terminal node`);
    else if (e.kind === 'intent') {
      if (!acceptsIntentEdges(from)) problems.push(`${e.id}: intent edge not allowed`);
    } else {
      if (!outcomeHandles(from).includes(e.handle)) problems.push(`${e.id}: no handle ${e.handle}`);
      if (used.has(`${e.from}.${e.handle}`)) problems.push(`${e.id}: second edge on ${e.handle}`);
      used.add(`${e.from}.${e.handle}`);
    }
  }
  for (const g of flow.globals) {
    if (!nodes.has(g.goto)) problems.push(`${g.id}: goto missing`);
    for (const id of g.scope ?? []) if (!nodes.has(id)) problems.push(`${g.id}: scope ${id} missing`);
  }
  for (const id of Object.keys(flow.layout?.nodes ?? {})) if (!nodes.has(id)) problems.push(`layout: ${id} missing`);
  return problems;
}

/** Diagnostics the edit model must never cause. */
const NEVER = new Set([
  'DUPLICATE_NODE_ID',
  'DUPLICATE_EDGE_ID',
  'DUPLICATE_GLOBAL_ID',
  'DUPLICATE_TOOL_ID',
  'DUPLICATE_VARIABLE',
  'ENTRY_NOT_FOUND',
  'ENTRY_NOT_START',
  'NO_START_NODE',
  'MULTIPLE_START_NODES',
  'EDGE_SOURCE_NOT_FOUND',
  'EDGE_TARGET_NOT_FOUND',
  'EDGE_INTO_START',
  'EDGE_FROM_TERMINAL',
  'INVALID_HANDLE',
  'INTENT_EDGE_NOT_ALLOWED',
  'DUPLICATE_HANDLE_EDGE',
  'GLOBAL_TARGET_NOT_FOUND',
  'GLOBAL_TARGET_START',
  'GLOBAL_SCOPE_NOT_FOUND',
  'LAYOUT_UNKNOWN_NODE',
  'CHECK_FAILED',
]);

describe('random sequences of operations on the example flows', () => {
  const STEPS = 150;
  const cases = files.flatMap((file, i) => [1, 2].map((k) => [file, 1000 * i + k] as const));

  it.each(cases)(
    '%s (seed %i) stays schema-valid and structurally sound, and undoes back to the start',
    (file, seed) => {
      const r = rng(seed);
      const original = loadExample(file);
      const other = loadExample(files[(files.indexOf(file) + 1) % files.length]!);
      let flow = original;
      let history = createHistory(original, { limit: STEPS });
      const applied: string[] = [];
      let refused = 0;
      for (let step = 0; step < STEPS; step++) {
        const op = randomOperation(r, flow, other);
        let next: FlowDocument;
        try {
          next = applyOperation(flow, op);
        } catch (error) {
          // impossible edits are refused with an EditError, never anything else
          if (!(error instanceof EditError)) throw error;
          refused++;
          continue;
        }
        deepFreeze(next); // the next operation must not mutate it either
        const where = `step ${step}: ${JSON.stringify(op).slice(0, 300)}`;
        expect(FlowDocumentSchema.parse(next), where).toEqual(next); // parses, defaults already applied
        expect(structuralProblems(next), where).toEqual([]);
        if (LAYOUT_OPERATIONS.has(op.type))
          expect(canonicalJson(flowLogic(next)), where).toBe(canonicalJson(flowLogic(flow)));
        history = apply(history, op);
        expect(history.present, where).toEqual(next);
        flow = history.present;
        applied.push(op.type);
      }
      expect(applied.length).toBeGreaterThan(STEPS / 2);
      expect(refused).toBeGreaterThan(0);
      expect(new Set(applied).size).toBeGreaterThan(12);

      const codes = validateFlow(flow).diagnostics.map((d) => d.code);
      expect(codes.filter((c) => NEVER.has(c) || c.startsWith('SCHEMA_'))).toEqual([]);
      expect(toCanvas(flow).edges).toHaveLength(flow.edges.length);

      const final = history.present;
      while (canUndo(history)) history = undo(history);
      expect(history.present).toBe(original);
      while (canRedo(history)) history = redo(history);
      expect(history.present).toBe(final);
    },
  );
});
