import type { SimulationEvent } from '@switchboard/contracts';
import type { AnsweredBy, ScenarioInput, Variable } from '@switchboard/flow';

export interface Bubble {
  key: string;
  speaker: 'agent' | 'callee' | 'system';
  text: string;
  nodeId?: string | undefined;
}

/** What the test call panel shows, folded from the simulation's events (pure, so tested alone). */
export interface CallView {
  bubbles: Bubble[];
  path: string[];
  active: string | undefined;
  variables: Record<string, unknown>;
  disposition: string | undefined;
  lastSeq: number;
}

export const EMPTY_CALL: CallView = {
  bubbles: [],
  path: [],
  active: undefined,
  variables: {},
  disposition: undefined,
  lastSeq: 0,
};

export function foldEvents(view: CallView, events: readonly SimulationEvent[]): CallView {
  let next = view;
  for (const e of events) {
    if (e.seq <= next.lastSeq) continue; // a replayed event
    next = { ...next, lastSeq: e.seq };
    const key = String(e.seq);
    switch (e.type) {
      case 'node.entered':
        next = { ...next, path: [...next.path, e.nodeId], active: e.nodeId };
        break;
      case 'agent.said':
        next = { ...next, bubbles: [...next.bubbles, { key, speaker: 'agent', text: e.text, nodeId: e.nodeId }] };
        break;
      case 'callee.said':
        next = { ...next, bubbles: [...next.bubbles, { key, speaker: 'callee', text: e.text, nodeId: e.nodeId }] };
        break;
      case 'callee.dtmf':
        next = {
          ...next,
          bubbles: [...next.bubbles, { key, speaker: 'callee', text: `pressed ${e.digits}`, nodeId: e.nodeId }],
        };
        break;
      case 'callee.silent':
        next = { ...next, bubbles: [...next.bubbles, { key, speaker: 'callee', text: '(silence)', nodeId: e.nodeId }] };
        break;
      case 'callee.hung_up':
        next = { ...next, bubbles: [...next.bubbles, { key, speaker: 'callee', text: '(hung up)', nodeId: e.nodeId }] };
        break;
      case 'variable.set':
        next = { ...next, variables: { ...next.variables, [e.name]: e.value } };
        break;
      case 'global.fired':
        next = {
          ...next,
          bubbles: [...next.bubbles, { key, speaker: 'system', text: `Global ${e.globalId} → ${e.goto}` }],
        };
        break;
      case 'tool.result':
        next = {
          ...next,
          bubbles: [...next.bubbles, { key, speaker: 'system', text: `Tool ${e.toolId}: ${e.outcome}` }],
        };
        break;
      case 'opted_out':
        next = { ...next, bubbles: [...next.bubbles, { key, speaker: 'system', text: 'Opt-out recorded' }] };
        break;
      case 'flow.error':
        next = { ...next, bubbles: [...next.bubbles, { key, speaker: 'system', text: `Error: ${e.message}` }] };
        break;
      case 'call.ended':
        next = {
          ...next,
          disposition: e.disposition,
          bubbles: [...next.bubbles, { key, speaker: 'system', text: `Call ended: ${e.disposition}` }],
        };
        break;
      default:
        break;
    }
  }
  return next;
}

export type CalleeTurn = string | { silence: true } | { dtmf: string } | { hangup: true };

/**
 * A flow scenario (FLOW-LANGUAGE.md "Scenarios") reproducing a test call: the callee's
 * turns, who answered, the call inputs given (typed by the declared variables), and what
 * to expect — the disposition, the path and every line the agent said.
 */
export function toScenario(
  name: string,
  input: { variables: Record<string, unknown>; answeredBy: AnsweredBy },
  turns: readonly CalleeTurn[],
  view: CallView,
  declared: readonly Pick<Variable, 'name' | 'type'>[] = [],
): ScenarioInput {
  const variables: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.variables)) {
    if (value === '' || value === undefined) continue;
    variables[key] = typed(value, declared.find((v) => v.name === key)?.type);
  }
  const said = [...new Set(view.bubbles.filter((b) => b.speaker === 'agent').map((b) => b.text))];
  return {
    name,
    ...(Object.keys(variables).length ? { variables } : {}),
    answeredBy: input.answeredBy,
    callee: [...turns],
    expect: {
      ...(view.disposition ? { disposition: view.disposition } : {}),
      path: view.path,
      ...(said.length ? { said } : {}),
    },
  };
}

function typed(value: unknown, type: Variable['type'] | undefined): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (type === 'object') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

/** `base`, or `base 2`, `base 3`… — the first name no scenario of the flow has. */
export function uniqueScenarioName(tests: readonly { name: string }[], base: string): string {
  const taken = new Set(tests.map((t) => t.name));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`)) return `${base} ${i}`;
}
