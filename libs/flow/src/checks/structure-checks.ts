import { acceptsIntentEdges, isTerminalNode, outcomeHandles, type FlowNode, type Variable } from '../schema/index.js';
import type { CheckContext } from './check-context.js';
import { diagnostic } from './diagnostics.js';
import { BUILTIN_ROOTS, describeNode, isoDateTime } from './wording.js';

/** Ids unique; entry and start; edges, handles and wiring; questions and variables; layout. */
export function checkStructure(ctx: CheckContext): void {
  checkUniqueIds(ctx);
  checkEntry(ctx);
  checkEdges(ctx);
  checkWiring(ctx);
  checkQuestions(ctx);
  checkVariables(ctx);
  checkSettingsAndLayout(ctx);
}

function checkUniqueIds(ctx: CheckContext): void {
  const { flow } = ctx;
  const seen = new Set<string>();
  flow.nodes.forEach((node, i) => {
    if (seen.has(node.id))
      ctx.report(
        diagnostic('DUPLICATE_NODE_ID', `Two nodes have the id "${node.id}"; node ids must be unique.`, {
          nodeId: node.id,
          path: ctx.path('nodes', i, 'id'),
        }),
      );
    seen.add(node.id);
  });
  const unique = <T>(
    list: readonly T[],
    key: (t: T) => string,
    collection: 'edges' | 'globals' | 'tools' | 'variables',
    field: string,
    code: 'DUPLICATE_EDGE_ID' | 'DUPLICATE_GLOBAL_ID' | 'DUPLICATE_TOOL_ID' | 'DUPLICATE_VARIABLE',
    what: string,
  ): void => {
    const ids = new Set<string>();
    list.forEach((item, i) => {
      const id = key(item);
      if (ids.has(id))
        ctx.report(
          diagnostic(code, `Two ${what} are called "${id}"; each needs its own.`, {
            edgeId: collection === 'edges' ? id : undefined,
            path: ctx.path(collection, i, field),
          }),
        );
      ids.add(id);
    });
  };
  unique(flow.edges, (e) => e.id, 'edges', 'id', 'DUPLICATE_EDGE_ID', 'edges');
  unique(flow.globals, (g) => g.id, 'globals', 'id', 'DUPLICATE_GLOBAL_ID', 'globals');
  unique(flow.tools, (t) => t.id, 'tools', 'id', 'DUPLICATE_TOOL_ID', 'tools');
  unique(flow.variables, (v) => v.name, 'variables', 'name', 'DUPLICATE_VARIABLE', 'variables');

  flow.nodes.forEach((node, i) => {
    if (node.type === 'question' && node.capture.values) {
      const ids = new Set<string>();
      const keys = new Map<string, string>();
      node.capture.values.forEach((value, j) => {
        const path = ctx.path('nodes', i, 'capture', 'values', j);
        if (ids.has(value.id))
          ctx.report(
            diagnostic('DUPLICATE_CHOICE_VALUE', `${describeNode(node)} lists the answer "${value.id}" twice.`, {
              nodeId: node.id,
              path: `${path}.id`,
            }),
          );
        ids.add(value.id);
        if (value.id === 'no_input' || value.id === 'no_match')
          ctx.report(
            diagnostic(
              'RESERVED_HANDLE_ID',
              `${describeNode(node)} has an answer called "${value.id}", which is the name of a built-in exit; rename the answer.`,
              { nodeId: node.id, path: `${path}.id` },
            ),
          );
        if (node.input !== 'speech') {
          const key = value.dtmf ?? (j < 9 ? String(j + 1) : undefined);
          if (key === undefined) return;
          const other = keys.get(key);
          if (other !== undefined)
            ctx.report(
              diagnostic(
                'DUPLICATE_CHOICE_KEY',
                `${describeNode(node)}: the answers "${other}" and "${value.id}" both use key ${key}.`,
                { nodeId: node.id, path },
              ),
            );
          else keys.set(key, value.id);
        }
      });
    }
    if (node.type === 'branch') {
      const ids = new Set<string>();
      node.cases.forEach((c, j) => {
        const path = ctx.path('nodes', i, 'cases', j, 'id');
        if (ids.has(c.id))
          ctx.report(
            diagnostic('DUPLICATE_BRANCH_CASE', `${describeNode(node)} has two cases called "${c.id}".`, {
              nodeId: node.id,
              path,
            }),
          );
        ids.add(c.id);
        if (c.id === 'else')
          ctx.report(
            diagnostic(
              'RESERVED_HANDLE_ID',
              `${describeNode(node)} has a case called "else", which is the built-in exit when no case matches; rename the case.`,
              { nodeId: node.id, path },
            ),
          );
      });
    }
  });
}

function checkEntry(ctx: CheckContext): void {
  const { flow, graph } = ctx;
  const starts = flow.nodes.map((n, i) => ({ n, i })).filter(({ n }) => n.type === 'start');
  if (starts.length === 0 && !ctx.partial.has('nodes'))
    ctx.report(
      diagnostic('NO_START_NODE', 'The flow has no start node; add one to say what happens when the call connects.', {
        path: 'nodes',
      }),
    );
  const entryIsStart = graph.node(flow.entry)?.type === 'start';
  const mainStart = entryIsStart ? flow.entry : starts[0]?.n.id;
  for (const { n, i } of starts) {
    if (n.id === mainStart) continue;
    ctx.report(
      diagnostic(
        'MULTIPLE_START_NODES',
        `The flow has more than one start node; remove "${n.id}" or make it another kind of node.`,
        {
          nodeId: n.id,
          path: ctx.path('nodes', i),
        },
      ),
    );
  }
  if (flow.entry === '') return; // refused by the schema, already reported
  if (!ctx.nodeExists(flow.entry))
    ctx.report(
      diagnostic('ENTRY_NOT_FOUND', `The flow starts at "${flow.entry}", but there is no node with that id.`, {
        path: 'entry',
      }),
    );
  else {
    const node = graph.node(flow.entry);
    if (node && node.type !== 'start')
      ctx.report(
        diagnostic(
          'ENTRY_NOT_START',
          `The flow must start at a start node, but "${flow.entry}" is a ${node.type} node.`,
          {
            nodeId: flow.entry,
            path: 'entry',
          },
        ),
      );
  }
}

function checkEdges(ctx: CheckContext): void {
  const { flow, graph } = ctx;
  const handlesUsed = new Set<string>();
  const intentsUsed = new Set<string>();
  flow.edges.forEach((edge, i) => {
    const at = { edgeId: edge.id, path: ctx.path('edges', i) };
    const from = graph.node(edge.from);
    const to = graph.node(edge.to);
    if (!ctx.nodeExists(edge.from))
      ctx.report(
        diagnostic(
          'EDGE_SOURCE_NOT_FOUND',
          `Edge "${edge.id}" leaves "${edge.from}", but there is no node with that id.`,
          {
            ...at,
            path: ctx.path('edges', i, 'from'),
          },
        ),
      );
    if (!ctx.nodeExists(edge.to))
      ctx.report(
        diagnostic(
          'EDGE_TARGET_NOT_FOUND',
          `Edge "${edge.id}" leads to "${edge.to}", but there is no node with that id.`,
          {
            ...at,
            nodeId: from?.id,
            path: ctx.path('edges', i, 'to'),
          },
        ),
      );
    if (to?.type === 'start')
      ctx.report(
        diagnostic(
          'EDGE_INTO_START',
          `Edge "${edge.id}" leads back to the start node "${to.id}"; a call cannot be dialled again.`,
          {
            ...at,
            nodeId: edge.from,
            path: ctx.path('edges', i, 'to'),
          },
        ),
      );
    if (!from) return;
    if (isTerminalNode(from)) {
      ctx.report(
        diagnostic(
          'EDGE_FROM_TERMINAL',
          `${describeNode(from)} ends the call, so edge "${edge.id}" can never be taken.`,
          {
            ...at,
            nodeId: from.id,
          },
        ),
      );
      return;
    }
    if (edge.kind === 'intent') {
      if (!acceptsIntentEdges(from)) {
        ctx.report(
          diagnostic(
            'INTENT_EDGE_NOT_ALLOWED',
            `Edge "${edge.id}" is an intent edge, but intent edges can only leave llm nodes and questions that capture free text; ${describeNode(from)} cannot have one.`,
            { ...at, nodeId: from.id },
          ),
        );
        return;
      }
      if (!edge.intent && !edge.prompt?.trim() && !edge.examples?.length)
        ctx.report(
          diagnostic(
            'INTENT_EDGE_EMPTY',
            `Intent edge "${edge.id}" needs a built-in intent, a prompt or examples so that the callee's words can be matched to it.`,
            { ...at, nodeId: from.id },
          ),
        );
      if (edge.intent) {
        const key = `${edge.from}\u0000${edge.intent}`;
        if (intentsUsed.has(key))
          ctx.report(
            diagnostic(
              'DUPLICATE_INTENT_EDGE',
              `${describeNode(from)} has two intent edges for "${edge.intent}"; only the first will be taken.`,
              { ...at, nodeId: from.id, path: ctx.path('edges', i, 'intent') },
            ),
          );
        intentsUsed.add(key);
      }
      return;
    }
    const handles = outcomeHandles(from);
    if (!handles.includes(edge.handle)) {
      const why =
        from.type === 'transfer' && edge.handle === 'connected'
          ? `a connected transfer ends the flow's part of the call, so "connected" takes no edge`
          : handles.length
            ? `its exits are ${handles.map((h) => `"${h}"`).join(', ')}`
            : 'it has no exits';
      ctx.report(
        diagnostic(
          'INVALID_HANDLE',
          `Edge "${edge.id}" leaves ${describeNode(from)} through "${edge.handle}", but ${why}.`,
          {
            ...at,
            nodeId: from.id,
            path: ctx.path('edges', i, 'handle'),
          },
        ),
      );
      return;
    }
    const key = `${edge.from}\u0000${edge.handle}`;
    if (handlesUsed.has(key))
      ctx.report(
        diagnostic(
          'DUPLICATE_HANDLE_EDGE',
          `${describeNode(from)} has more than one edge on its "${edge.handle}" exit; keep one.`,
          { ...at, nodeId: from.id, path: ctx.path('edges', i, 'handle') },
        ),
      );
    handlesUsed.add(key);
  });
}

const HANDLE_MEANING: Record<string, string> = {
  human: 'a person answers',
  voicemail: 'voicemail answers',
  no_answer: 'nobody answers',
  busy: 'the line is busy',
  failed: 'the call cannot be connected',
  no_input: 'the callee says nothing',
  no_match: 'the answer is not understood',
  error: 'the tool fails',
  timeout: 'the tool takes too long',
  else: 'no case matches',
  max_turns: 'the conversation reaches its turn limit',
  success: 'the tool succeeds',
};

function requiredHandles(node: FlowNode): readonly string[] {
  switch (node.type) {
    case 'start':
      return outcomeHandles(node);
    case 'question':
      return ['no_input', 'no_match'];
    case 'tool':
      return ['error', 'timeout'];
    case 'branch':
      return ['else'];
    case 'transfer':
      return ['failed'];
    default:
      return [];
  }
}

function checkWiring(ctx: CheckContext): void {
  const { flow, graph } = ctx;
  // say nodes entered only by returning globals need no `next`
  const enteredNormally = new Set<string>([flow.entry]);
  for (const e of flow.edges) enteredNormally.add(e.to);
  for (const g of flow.globals) if (!g.return) enteredNormally.add(g.goto);

  for (const node of graph.nodes.values()) {
    if (ctx.brokenEdgeSources.has(node.id) || isTerminalNode(node)) continue;
    const path = ctx.nodePath(node.id);
    const required = requiredHandles(node);
    if (node.type === 'say' || node.type === 'set' || node.type === 'voicemail') {
      if (graph.edge(node.id, 'next')) continue;
      if (
        node.type === 'say' &&
        !enteredNormally.has(node.id) &&
        flow.globals.some((g) => g.return && g.goto === node.id)
      )
        continue;
      ctx.report(
        diagnostic('DEAD_END', `${describeNode(node)} has no way out: connect its "next" exit.`, {
          nodeId: node.id,
          path,
        }),
      );
      continue;
    }
    if (node.type === 'llm' && graph.edgesFrom(node.id).length === 0) {
      ctx.report(
        diagnostic(
          'DEAD_END',
          `${describeNode(node)} has no way out: add an intent edge or connect "max_turns" / "no_input".`,
          { nodeId: node.id, path },
        ),
      );
      continue;
    }
    for (const handle of outcomeHandles(node)) {
      if (graph.edge(node.id, handle)) continue;
      const meaning = HANDLE_MEANING[handle];
      const when = meaning ? ` (what happens when ${meaning})` : '';
      if (required.includes(handle))
        ctx.report(
          diagnostic(
            'REQUIRED_HANDLE_UNWIRED',
            `${describeNode(node)} must have its "${handle}" exit connected${when}.`,
            {
              nodeId: node.id,
              path,
            },
          ),
        );
      else
        ctx.report(
          diagnostic(
            'HANDLE_UNWIRED',
            `${describeNode(node)}: the "${handle}" exit is not connected${when}; the call would end there.`,
            { nodeId: node.id, path },
          ),
        );
    }
  }
}

function checkQuestions(ctx: CheckContext): void {
  ctx.flow.nodes.forEach((node, i) => {
    if (node.type !== 'question') return;
    const { capture } = node;
    if (capture.type === 'choice' && !capture.values?.length)
      ctx.report(
        diagnostic('CHOICE_WITHOUT_VALUES', `${describeNode(node)} is a choice but lists no answers to choose from.`, {
          nodeId: node.id,
          path: ctx.path('nodes', i, 'capture'),
        }),
      );
    if (capture.type !== 'choice' && capture.values)
      ctx.report(
        diagnostic(
          'VALUES_ON_NON_CHOICE',
          `${describeNode(node)} captures "${capture.type}" but lists answers; only a choice question has answers.`,
          { nodeId: node.id, path: ctx.path('nodes', i, 'capture', 'values') },
        ),
      );
  });
}

function checkVariables(ctx: CheckContext): void {
  ctx.flow.variables.forEach((v, i) => {
    if (v.type === 'enum' && !v.values?.length)
      ctx.report(
        diagnostic('ENUM_WITHOUT_VALUES', `Variable "${v.name}" is an enum but lists no values.`, {
          path: ctx.path('variables', i),
        }),
      );
    if (v.type !== 'enum' && v.values)
      ctx.report(
        diagnostic(
          'VALUES_ON_NON_ENUM',
          `Variable "${v.name}" is a ${v.type} but lists values; only an enum has values.`,
          {
            path: ctx.path('variables', i, 'values'),
          },
        ),
      );
    if (BUILTIN_ROOTS.has(v.name))
      ctx.report(
        diagnostic(
          'BUILTIN_NAME_SHADOWED',
          `"${v.name}" is a built-in name (call, turn, meta, input, secrets); give the variable another name.`,
          { path: ctx.path('variables', i, 'name') },
        ),
      );
    if (v.default !== undefined && v.default !== null && !fitsType(v.default, v))
      ctx.report(
        diagnostic('VARIABLE_DEFAULT_TYPE', `The default of variable "${v.name}" is not a valid ${v.type}.`, {
          path: ctx.path('variables', i, 'default'),
        }),
      );
  });
}

/** Whether a JSON value is acceptable for a variable (used for defaults and scenario values). */
export function fitsType(value: unknown, variable: Variable): boolean {
  switch (variable.type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    case 'time':
      return typeof value === 'string' && /^\d{2}:\d{2}(:\d{2})?$/.test(value);
    case 'datetime':
      return typeof value === 'string' && isoDateTime(value);
    case 'enum':
      return typeof value === 'string' && (variable.values ?? []).includes(value);
    case 'object':
      return typeof value === 'object' && value !== null;
  }
}

function checkSettingsAndLayout(ctx: CheckContext): void {
  const { flow } = ctx;
  if (!isKnownTimeZone(flow.settings.timezone))
    ctx.report(
      diagnostic(
        'INVALID_TIMEZONE',
        `"${flow.settings.timezone}" is not a time zone; use an IANA name such as America/New_York.`,
        { path: 'settings.timezone' },
      ),
    );
  for (const id of Object.keys(flow.layout?.nodes ?? {})) {
    if (!ctx.nodeExists(id))
      ctx.report(
        // nodeId: the layout entry is keyed by the id it is about
        diagnostic('LAYOUT_UNKNOWN_NODE', `The layout places "${id}", but there is no node with that id.`, {
          nodeId: id,
          path: `layout.nodes${/^[A-Za-z_$][\w$]*$/.test(id) ? `.${id}` : `[${JSON.stringify(id)}]`}`,
        }),
      );
  }
}

const zoneCache = new Map<string, boolean>();

export function isKnownTimeZone(zone: string): boolean {
  let known = zoneCache.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    zoneCache.set(zone, known);
  }
  return known;
}
