import type { FlowDiffResult } from '@switchboard/contracts';
import {
  diffFlows,
  type Canvas,
  type CanvasEdge,
  type CanvasNode,
  type CanvasProblem,
  type Diagnostic,
  type FlowDocument,
} from '@switchboard/flow';
import type { Highlight } from '../store/editor-store.js';

/** What a node component needs beyond the canvas data: how it is highlighted. */
export type NodeMark = 'active' | 'visited' | 'added' | 'changed' | undefined;

export type ViewNodeData = CanvasNode['data'] & {
  mark: NodeMark;
  errors: number;
  warnings: number;
  /** the node's outcome handles that have an edge (a required one without is drawn as missing) */
  wired: string[];
};
export interface Size {
  width: number;
  height: number;
}
export type ViewNode = Omit<CanvasNode, 'data'> & {
  data: ViewNodeData;
  selected: boolean;
  className?: string;
  /** React Flow's measured size, kept so that a new node object is not measured again */
  measured?: Size;
};
export type ViewEdge = CanvasEdge & { selected: boolean; animated?: boolean; className?: string };

export function countProblems(problems: readonly CanvasProblem[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const p of problems) if (p.severity === 'error') errors++;
  return { errors, warnings: problems.length - errors };
}

function markOf(id: string, h: Highlight, visited: ReadonlySet<string>): NodeMark {
  if (h.active === id) return 'active';
  if (h.added?.includes(id)) return 'added';
  if (h.changed?.includes(id)) return 'changed';
  if (visited.has(id)) return 'visited';
  return undefined;
}

/**
 * React Flow nodes from the canvas, reusing the previous object of every node whose
 * inputs did not change, so that memoised node components skip re-rendering (a 200-node
 * flow stays smooth while one node is edited).
 */
export function toViewNodes(
  canvas: Canvas,
  selected: readonly string[],
  highlight: Highlight,
  previous: ReadonlyMap<string, ViewNode>,
  sizes: ReadonlyMap<string, Size> = new Map(),
): Map<string, ViewNode> {
  const sel = new Set(selected);
  const visited = new Set(highlight.path ?? []);
  const wiredBy = new Map<string, string[]>();
  for (const e of canvas.edges) {
    const list = wiredBy.get(e.source);
    if (list) list.push(e.sourceHandle);
    else wiredBy.set(e.source, [e.sourceHandle]);
  }
  const out = new Map<string, ViewNode>();
  for (const n of canvas.nodes) {
    const wired = wiredBy.get(n.id) ?? [];
    const mark = markOf(n.id, highlight, visited);
    const isSelected = sel.has(n.id);
    const prev = previous.get(n.id);
    const size = sizes.get(n.id);
    if (
      prev &&
      prev.measured === size &&
      prev.data.node === n.data.node &&
      prev.selected === isSelected &&
      prev.data.mark === mark &&
      prev.data.isEntry === n.data.isEntry &&
      prev.position.x === n.position.x &&
      prev.position.y === n.position.y &&
      sameProblems(prev.data.problems, n.data.problems) &&
      sameList(prev.data.globals, n.data.globals) &&
      sameList(prev.data.wired, wired)
    ) {
      out.set(n.id, prev);
      continue;
    }
    const counts = countProblems(n.data.problems);
    out.set(n.id, {
      ...n,
      selected: isSelected,
      data: { ...n.data, mark, ...counts, wired },
      ...(mark ? { className: `mark-${mark}` } : {}),
      ...(size ? { measured: size } : {}),
    });
  }
  return out;
}

/** React Flow edges, reusing the previous object of every edge whose inputs did not change. */
export function toViewEdges(
  canvas: Canvas,
  selected: readonly string[],
  highlight: Highlight,
  previous: ReadonlyMap<string, ViewEdge> = new Map(),
): Map<string, ViewEdge> {
  const sel = new Set(selected);
  const path = highlight.path ?? [];
  const walked = new Set<string>();
  for (let i = 0; i + 1 < path.length; i++) walked.add(`${path[i]}→${path[i + 1]}`);
  const out = new Map<string, ViewEdge>();
  for (const e of canvas.edges) {
    const onPath = walked.has(`${e.source}→${e.target}`);
    const problem = e.data.problems.some((p) => p.severity === 'error')
      ? 'edge-error'
      : e.data.problems.length
        ? 'edge-warning'
        : '';
    const className = [onPath ? 'edge-path' : '', problem, e.data.kind === 'intent' ? 'edge-intent' : '']
      .filter(Boolean)
      .join(' ');
    const isSelected = sel.has(e.id);
    const prev = previous.get(e.id);
    if (
      prev &&
      prev.data.edge === e.data.edge &&
      prev.label === e.label &&
      prev.selected === isSelected &&
      (prev.className ?? '') === className &&
      sameProblems(prev.data.problems, e.data.problems)
    ) {
      out.set(e.id, prev);
      continue;
    }
    out.set(e.id, {
      ...e,
      selected: isSelected,
      ...(onPath ? { animated: true } : {}),
      ...(className ? { className } : {}),
    });
  }
  return out;
}

function sameProblems(a: readonly CanvasProblem[], b: readonly CanvasProblem[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.code === b[i]!.code && p.message === b[i]!.message && p.severity === b[i]!.severity)
  );
}
function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The problems panel's rows: errors first, then warnings, each with where it points. */
export interface ProblemRow {
  key: string;
  severity: 'error' | 'warning';
  code: string;
  message: string;
  nodeId?: string | undefined;
  edgeId?: string | undefined;
}

export function problemRows(diagnostics: readonly Diagnostic[]): ProblemRow[] {
  return diagnostics
    .map((d, i) => ({
      key: `${i}:${d.code}`,
      severity: d.severity,
      code: d.code,
      message: d.message,
      nodeId: d.nodeId,
      edgeId: d.edgeId,
    }))
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

/** What a version diff highlights: node ids added and changed, and readable lines for the rest. */
export interface DiffView {
  added: string[];
  changed: string[];
  removed: string[];
  lines: string[];
}

function idOf(item: unknown): string {
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const id = o.id ?? o.name;
    if (typeof id === 'string') return id;
  }
  return JSON.stringify(item);
}

export function diffView(diff: FlowDiffResult): DiffView {
  const c = diff.changes;
  const lines: string[] = [];
  const kinds = ['edges', 'globals', 'variables', 'tools', 'tests'] as const;
  lines.push(...c.nodes.removed.map((n) => `Node removed: ${idOf(n)}`));
  for (const kind of kinds) {
    const label = kind.slice(0, -1);
    lines.push(...c[kind].added.map((x) => `${cap(label)} added: ${idOf(x)}`));
    lines.push(...c[kind].removed.map((x) => `${cap(label)} removed: ${idOf(x)}`));
    lines.push(
      ...c[kind].changed.map((x) => `${cap(label)} changed: ${x.id} (${x.fields.map((f) => f.path).join(', ')})`),
    );
  }
  lines.push(...c.settings.map((f) => `Setting changed: ${f.path}`));
  return {
    added: c.nodes.added.map(idOf),
    changed: c.nodes.changed.map((x) => x.id),
    removed: c.nodes.removed.map(idOf),
    lines,
  };
}

/**
 * The draft against a published version, diffed in the browser with `diffFlows` (layout
 * ignored) and shaped like the API's version-vs-version diff (`to.number` 0 is the draft;
 * checksums are left empty), so `diffView` and the canvas highlight read both alike.
 */
export function diffDraft(version: { number: number; document: FlowDocument }, draft: FlowDocument): FlowDiffResult {
  const { identical, ...changes } = diffFlows(version.document, draft);
  return { from: { number: version.number, checksum: '' }, to: { number: 0, checksum: '' }, identical, changes };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `{{ va` before the caret → the variable names that complete it. */
export function variableCompletions(
  text: string,
  caret: number,
  names: readonly string[],
): { prefix: string; options: string[] } | null {
  const before = text.slice(0, caret);
  const m = /\{\{\s*([a-z0-9_.]*)$/i.exec(before);
  if (!m) return null;
  const prefix = m[1] ?? '';
  const options = names.filter((n) => n.startsWith(prefix) && n !== prefix);
  return options.length ? { prefix, options } : null;
}

/** Inserts a completion at the caret, closing the tag when it is not closed yet. */
export function applyCompletion(
  text: string,
  caret: number,
  prefix: string,
  name: string,
): { text: string; caret: number } {
  const start = caret - prefix.length;
  const after = text.slice(caret);
  const closing = /^\s*\}\}/.test(after) ? '' : ' }}';
  const inserted = `${name}${closing}`;
  return { text: text.slice(0, start) + inserted + after, caret: start + inserted.length };
}
