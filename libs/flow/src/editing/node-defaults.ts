import type { FlowDocument, NodeType } from '../schema/index.js';

/** The text a new node starts with where the schema wants one: visibly unfinished. */
export const PLACEHOLDER_TEXT = '…';

/**
 * The fields of a new node of `type` (before the schema's defaults are applied), chosen so
 * that it passes the schema and as many checks as an unconnected node can:
 * - texts the schema requires (`say.text`, `question.prompt`, `llm.task`, `voicemail.text`,
 *   `transfer.to`) are "…", which the checks and the inspector show as unfinished;
 * - a question asks yes/no (the most common kind) and captures into a variable named after
 *   the node; the variable is not declared for it, so `UNDECLARED_TARGET` points at it until
 *   the author picks or declares one (declaring is the author's choice of name and type);
 * - a `set` assigns `null` to a variable named after the node, for the same reason;
 * - a `tool` node calls the flow's first tool (or names an undeclared `tool`, reported as
 *   `UNKNOWN_TOOL`); a branch has one case `case_1` (`true`) beside the required `else`;
 * - an `end` records the disposition `completed`; `opt_out` keeps the runtime's wording.
 */
export function defaultNodeFields(flow: FlowDocument, type: NodeType, id: string): Record<string, unknown> {
  switch (type) {
    case 'start':
      return {};
    case 'say':
      return { text: PLACEHOLDER_TEXT };
    case 'question':
      return { prompt: PLACEHOLDER_TEXT, capture: { var: id, type: 'yes_no' } };
    case 'llm':
      return { task: PLACEHOLDER_TEXT };
    case 'tool':
      return { tool: flow.tools[0]?.id ?? 'tool' };
    case 'branch':
      return { cases: [{ id: 'case_1', label: 'Case 1', when: 'true' }] };
    case 'set':
      return { assign: [{ var: id, value: 'null' }] };
    case 'transfer':
      return { to: PLACEHOLDER_TEXT };
    case 'voicemail':
      return { text: PLACEHOLDER_TEXT };
    case 'opt_out':
      return {};
    case 'end':
      return { disposition: 'completed' };
  }
}
