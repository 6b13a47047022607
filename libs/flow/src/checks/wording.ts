import type { FlowNode } from '../schema/index.js';

/** Names every template and condition may read without declaring them. */
export const ALWAYS_AVAILABLE = new Set(['call', 'turn', 'meta']);
/** Names only a tool's URL, headers and body may read. */
export const TOOL_ONLY = new Set(['input', 'secrets']);
/** Names a variable may not take. */
export const BUILTIN_ROOTS = new Set([...ALWAYS_AVAILABLE, ...TOOL_ONLY]);

const NODE_WORDS: Record<FlowNode['type'], string> = {
  start: 'Start',
  say: 'Say',
  question: 'Question',
  llm: 'Conversation (llm)',
  tool: 'Tool',
  branch: 'Branch',
  set: 'Set',
  transfer: 'Transfer',
  voicemail: 'Voicemail',
  opt_out: 'Opt-out',
  end: 'End',
};

/** `Question "ask_date"` — how messages name a node. */
export function describeNode(node: FlowNode): string {
  return `${NODE_WORDS[node.type]} node "${node.id}"`;
}

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isoDateTime(value: string): boolean {
  return ISO_DATETIME.test(value) && !Number.isNaN(Date.parse(value));
}
