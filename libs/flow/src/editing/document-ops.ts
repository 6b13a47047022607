import type { z } from 'zod';
import {
  GlobalSchema,
  MetaSchema,
  PurposeSchema,
  SettingsSchema,
  ToolSchema,
  VariableSchema,
  type Defaults,
  type FlowDocument,
  type FlowNode,
  type Global,
  type Meta,
  type Purpose,
  type Scenario,
  type Settings,
  type Tool,
  type Variable,
} from '../schema/index.js';
import { EditError } from './edit-error.js';
import { uniqueId } from './ids.js';
import { checkNewId, merge, parseOrThrow, sameJson } from './internal.js';

// ---------------------------------------------------------------- globals

/** A global as written: defaults (`return`, `cooldownTurns`) may be left out, and the id too. */
export type GlobalInput = Omit<z.input<typeof GlobalSchema>, 'id'> & { id?: string };
export type GlobalPatch = { [K in keyof Global]?: Global[K] | undefined };

/**
 * Appends a global (order matters: among globals with one trigger the first fires). Its
 * `goto` and `scope` must name existing nodes, and it cannot lead to the start node.
 * The id defaults to one derived from the trigger (`g_opt_out`, `g_key_9`, `g_silence`).
 */
export function addGlobal(flow: FlowDocument, input: GlobalInput): FlowDocument {
  const taken = new Set(flow.globals.map((g) => g.id));
  const id = input.id ?? uniqueId(globalIdBase(input.trigger), taken, { bare: true, start: 2 });
  if (taken.has(id)) throw new EditError('ID_TAKEN', `A global "${id}" already exists.`);
  const global = parseOrThrow(GlobalSchema, { ...input, id }, `Global "${id}"`);
  checkGlobalNodes(flow, global);
  return { ...flow, globals: [...flow.globals, global] };
}

/** Changes a global (its id too, if the new one is free); `scope: undefined` makes it apply everywhere. */
export function updateGlobal(flow: FlowDocument, id: string, patch: GlobalPatch): FlowDocument {
  const before = flow.globals.find((g) => g.id === id);
  if (!before) throw new EditError('GLOBAL_NOT_FOUND', `There is no global "${id}".`);
  const after = parseOrThrow(GlobalSchema, merge(before, patch), `Global "${id}"`);
  if (sameJson(before, after)) return flow;
  if (after.id !== id && flow.globals.some((g) => g.id === after.id))
    throw new EditError('ID_TAKEN', `A global "${after.id}" already exists.`);
  checkGlobalNodes(flow, after);
  return { ...flow, globals: flow.globals.map((g) => (g === before ? after : g)) };
}

export function removeGlobal(flow: FlowDocument, id: string): FlowDocument {
  if (!flow.globals.some((g) => g.id === id)) throw new EditError('GLOBAL_NOT_FOUND', `There is no global "${id}".`);
  return { ...flow, globals: flow.globals.filter((g) => g.id !== id) };
}

function checkGlobalNodes(flow: FlowDocument, global: Global): void {
  const target = flow.nodes.find((n) => n.id === global.goto);
  if (!target)
    throw new EditError('NODE_NOT_FOUND', `Global "${global.id}" leads to "${global.goto}", which does not exist.`);
  if (target.type === 'start')
    throw new EditError(
      'INVALID_CONNECTION',
      'A global cannot lead to the start node: a call cannot be dialled again.',
    );
  for (const id of global.scope ?? [])
    if (!flow.nodes.some((n) => n.id === id))
      throw new EditError('NODE_NOT_FOUND', `Global "${global.id}" applies to "${id}", which does not exist.`);
}

function globalIdBase(trigger: GlobalInput['trigger']): string {
  switch (trigger.kind) {
    case 'intent':
      return `g_${trigger.intent ?? 'intent'}`;
    case 'dtmf':
      return /^\d+$/.test(trigger.digits) ? `g_key_${trigger.digits}` : 'g_key';
    case 'event':
      return `g_${trigger.event}`;
  }
}

// ---------------------------------------------------------------- variables

export type VariableInput = z.input<typeof VariableSchema>;
export type VariablePatch = { [K in keyof Variable]?: Variable[K] | undefined };

export function addVariable(flow: FlowDocument, input: VariableInput): FlowDocument {
  const variable = parseOrThrow(VariableSchema, input, `Variable "${input.name}"`);
  if (flow.variables.some((v) => v.name === variable.name))
    throw new EditError('ID_TAKEN', `A variable "${variable.name}" already exists.`);
  return { ...flow, variables: [...flow.variables, variable] };
}

/**
 * Changes a variable. Renaming it (`name`) also renames what writes it — question
 * captures, llm extractions, `set` assignments, tool outputs — and the scenarios' inputs
 * and expected values. Templates and conditions that read it are left as written: the
 * checks report them (`UNDECLARED_VARIABLE`) so the author sees every place to update.
 */
export function updateVariable(flow: FlowDocument, name: string, patch: VariablePatch): FlowDocument {
  const before = flow.variables.find((v) => v.name === name);
  if (!before) throw new EditError('VARIABLE_NOT_FOUND', `There is no variable "${name}".`);
  const after = parseOrThrow(VariableSchema, merge(before, patch), `Variable "${name}"`);
  if (sameJson(before, after)) return flow;
  const variables = flow.variables.map((v) => (v === before ? after : v));
  if (after.name === name) return { ...flow, variables };
  checkNewId(after.name, new Set(flow.variables.map((v) => v.name)), 'a variable');
  const to = after.name;
  return {
    ...flow,
    variables,
    nodes: flow.nodes.map((n) => renameVariableIn(n, name, to)),
    tests: flow.tests.map((t) => renameVariableInScenario(t, name, to)),
  };
}

/** Removes a variable; whatever still reads or writes it is reported by the checks. */
export function removeVariable(flow: FlowDocument, name: string): FlowDocument {
  if (!flow.variables.some((v) => v.name === name))
    throw new EditError('VARIABLE_NOT_FOUND', `There is no variable "${name}".`);
  return { ...flow, variables: flow.variables.filter((v) => v.name !== name) };
}

function renameVariableIn(node: FlowNode, from: string, to: string): FlowNode {
  switch (node.type) {
    case 'question':
      return node.capture.var === from ? { ...node, capture: { ...node.capture, var: to } } : node;
    case 'llm':
      return node.extract?.some((x) => x.var === from)
        ? { ...node, extract: node.extract.map((x) => (x.var === from ? { ...x, var: to } : x)) }
        : node;
    case 'set':
      return node.assign.some((a) => a.var === from)
        ? { ...node, assign: node.assign.map((a) => (a.var === from ? { ...a, var: to } : a)) }
        : node;
    case 'tool':
      return node.output && Object.hasOwn(node.output, from)
        ? { ...node, output: renameKey(node.output, from, to) }
        : node;
    default:
      return node;
  }
}

function renameVariableInScenario(t: Scenario, from: string, to: string): Scenario {
  const inInput = t.variables !== undefined && Object.hasOwn(t.variables, from);
  const inExpect = t.expect.variables !== undefined && Object.hasOwn(t.expect.variables, from);
  if (!inInput && !inExpect) return t;
  return {
    ...t,
    ...(inInput ? { variables: renameKey(t.variables!, from, to) } : {}),
    ...(inExpect ? { expect: { ...t.expect, variables: renameKey(t.expect.variables!, from, to) } } : {}),
  };
}

function renameKey<V>(record: Record<string, V>, from: string, to: string): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [key, value] of Object.entries(record)) out[key === from ? to : key] = value;
  return out;
}

// ---------------------------------------------------------------- tools

export type ToolInput = z.input<typeof ToolSchema>;
/** Tool fields to change; set `kind` with the new kind's fields (and the old ones to `undefined`). */
export type ToolPatch = Record<string, unknown>;

export function addTool(flow: FlowDocument, input: ToolInput): FlowDocument {
  const tool = parseOrThrow(ToolSchema, input, `Tool "${input.id}"`);
  if (flow.tools.some((t) => t.id === tool.id)) throw new EditError('ID_TAKEN', `A tool "${tool.id}" already exists.`);
  return { ...flow, tools: [...flow.tools, tool] };
}

/**
 * Changes a tool. Renaming it (`id`) renames its uses: tool nodes, llm nodes' tool lists
 * and the scenarios' tool mocks.
 */
export function updateTool(flow: FlowDocument, id: string, patch: ToolPatch): FlowDocument {
  const before = flow.tools.find((t) => t.id === id);
  if (!before) throw new EditError('TOOL_NOT_FOUND', `There is no tool "${id}".`);
  const after: Tool = parseOrThrow(ToolSchema, merge(before, patch), `Tool "${id}"`);
  if (sameJson(before, after)) return flow;
  const tools = flow.tools.map((t) => (t === before ? after : t));
  if (after.id === id) return { ...flow, tools };
  checkNewId(after.id, new Set(flow.tools.map((t) => t.id)), 'a tool');
  const to = after.id;
  return {
    ...flow,
    tools,
    nodes: flow.nodes.map((n) => {
      if (n.type === 'tool' && n.tool === id) return { ...n, tool: to };
      if (n.type === 'llm' && n.tools?.includes(id)) return { ...n, tools: n.tools.map((t) => (t === id ? to : t)) };
      return n;
    }),
    tests: flow.tests.map((t) =>
      t.tools && Object.hasOwn(t.tools, id) ? { ...t, tools: renameKey(t.tools, id, to) } : t,
    ),
  };
}

/**
 * Removes a tool and drops it from llm nodes' tool lists. Tool nodes that call it keep
 * their reference (a tool node must name a tool): `UNKNOWN_TOOL` reports them.
 */
export function removeTool(flow: FlowDocument, id: string): FlowDocument {
  if (!flow.tools.some((t) => t.id === id)) throw new EditError('TOOL_NOT_FOUND', `There is no tool "${id}".`);
  return {
    ...flow,
    tools: flow.tools.filter((t) => t.id !== id),
    nodes: flow.nodes.map((n) =>
      n.type === 'llm' && n.tools?.includes(id) ? { ...n, tools: n.tools.filter((t) => t !== id) } : n,
    ),
  };
}

// ---------------------------------------------------------------- settings, meta, purpose

export type SettingsPatch = { [K in Exclude<keyof Settings, 'defaults'>]?: Settings[K] | undefined } & {
  /** merged into the current defaults */
  defaults?: Partial<Defaults>;
};

export function updateSettings(flow: FlowDocument, patch: SettingsPatch): FlowDocument {
  const merged = merge(flow.settings, patch);
  if (patch.defaults) merged.defaults = merge(flow.settings.defaults, patch.defaults);
  const settings = parseOrThrow(SettingsSchema, merged, 'The settings');
  return sameJson(settings, flow.settings) ? flow : { ...flow, settings };
}

export type MetaPatch = { [K in keyof Meta]?: Meta[K] | undefined };

export function updateMeta(flow: FlowDocument, patch: MetaPatch): FlowDocument {
  const meta = parseOrThrow(MetaSchema, merge(flow.meta, patch), 'The flow details (meta)');
  return sameJson(meta, flow.meta) ? flow : { ...flow, meta };
}

export function setPurpose(flow: FlowDocument, purpose: Purpose): FlowDocument {
  const parsed = parseOrThrow(PurposeSchema, purpose, 'The purpose');
  return parsed === flow.purpose ? flow : { ...flow, purpose: parsed };
}
