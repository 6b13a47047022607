import type { FlowDocument } from '../schema/index.js';
import { applyOperation, type FlowOperation } from './operations.js';

/** A document the history can return to, and what was done next to it. */
export interface HistoryStep {
  flow: FlowDocument;
  /** the operation between this document and the next one (`moveNodes`, …): for "Undo move" */
  label: string;
}

/**
 * Undo/redo as data: document snapshots (cheap, since operations share every part they do
 * not change). Immutable: every function returns a new history.
 */
export interface History {
  /** oldest first; `past.at(-1)` is what `undo` returns to */
  readonly past: readonly HistoryStep[];
  readonly present: FlowDocument;
  /** `future[0]` is what `redo` goes to */
  readonly future: readonly HistoryStep[];
  /** the most undo steps kept */
  readonly limit: number;
  /** set while the next operation with this key merges into the last step (a drag in progress) */
  readonly coalesceKey?: string | undefined;
}

export const DEFAULT_HISTORY_LIMIT = 100;

export function createHistory(flow: FlowDocument, options: { limit?: number } = {}): History {
  const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('The history limit must be a positive integer.');
  return { past: [], present: flow, future: [], limit };
}

/**
 * Applies an operation and records it (an `EditError` leaves the history as it was). Moves
 * of the same set of nodes one after another merge into one step, so a drag that emits a
 * move per frame is undone at once; `seal` ends the merging (call it on drag stop).
 * An operation that changes nothing records nothing.
 */
export function apply(history: History, op: FlowOperation): History {
  return commit(history, applyOperation(history.present, op), {
    label: op.type,
    ...(op.type === 'moveNodes' ? { coalesceKey: moveKey(op.positions) } : {}),
  });
}

/**
 * Records a document computed outside `apply` (say `pasteNodes`, which also returns its
 * id map). With a `coalesceKey` equal to the last step's, it replaces the present instead
 * of adding a step.
 */
export function commit(
  history: History,
  flow: FlowDocument,
  options: { label?: string; coalesceKey?: string } = {},
): History {
  if (flow === history.present) return history;
  const { coalesceKey } = options;
  if (coalesceKey !== undefined && coalesceKey === history.coalesceKey && history.past.length > 0)
    return { ...history, present: flow, future: [] };
  const past = [...history.past, { flow: history.present, label: options.label ?? 'edit' }];
  if (past.length > history.limit) past.splice(0, past.length - history.limit);
  return { past, present: flow, future: [], limit: history.limit, coalesceKey };
}

export function undo(history: History): History {
  const last = history.past.at(-1);
  if (!last) return history;
  return {
    past: history.past.slice(0, -1),
    present: last.flow,
    future: [{ flow: history.present, label: last.label }, ...history.future],
    limit: history.limit,
  };
}

export function redo(history: History): History {
  const [next, ...future] = history.future;
  if (!next) return history;
  return {
    past: [...history.past, { flow: history.present, label: next.label }],
    present: next.flow,
    future,
    limit: history.limit,
  };
}

export function canUndo(history: History): boolean {
  return history.past.length > 0;
}

export function canRedo(history: History): boolean {
  return history.future.length > 0;
}

/** Ends move merging: the next move is a step of its own. */
export function seal(history: History): History {
  return history.coalesceKey === undefined ? history : { ...history, coalesceKey: undefined };
}

function moveKey(positions: Readonly<Record<string, unknown>>): string {
  return `moveNodes:${Object.keys(positions).sort().join(',')}`;
}
