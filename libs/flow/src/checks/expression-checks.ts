import { conditionResultType } from '../expressions/cel.js';
import { MAX_VALUE_DEPTH, parseCondition, parseTemplate } from '../expressions/index.js';
import type { CaptureType, VariableType } from '../schema/index.js';
import type { CheckContext } from './check-context.js';
import { computeVariableStates, type VariableStates } from './dataflow.js';
import { diagnostic } from './diagnostics.js';
import { joinPath } from './paths.js';
import { ALWAYS_AVAILABLE, TOOL_ONLY, describeNode } from './wording.js';

/**
 * Templates and conditions parse; every name they read is declared (or built in) and is
 * set on every path into the place it is read; variables written by questions, llm
 * extractions, `set` and tool outputs are declared and of a fitting type.
 */
export function checkExpressions(ctx: CheckContext): void {
  checkTargets(ctx);
  const sites = collectSites(ctx);
  const states = computeVariableStates(ctx);
  for (const site of sites) checkSite(ctx, site, states);
}

/** A place where the call reads variables: the node entered, plus what is known there beyond the dataflow. */
interface EvalPoint {
  node: string;
  /** set for sure at this point (earlier assignments of the same `set` node) */
  must?: readonly string[];
  /** possibly set at this point (extractions of the llm node being left) */
  may?: readonly string[];
}

interface Site {
  /** a condition must give true or false; a value (of a `set`) may give anything */
  kind: 'template' | 'condition' | 'value';
  source: string;
  path: string;
  /** "the text of Say node "greet"" */
  label: string;
  nodeId?: string;
  edgeId?: string;
  /** a tool's URL, headers or body: `input` and `secrets` are available */
  tool: boolean;
  points: EvalPoint[];
}

const CEL_TYPE_WORDS: Record<string, string> = {
  int: 'a number',
  uint: 'a number',
  double: 'a number',
  string: 'a text',
  null_type: 'null',
};

/** CEL type names, which read like identifiers (`type(x) == int`) */
const CEL_TYPE_NAMES = new Set([
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
  'dyn',
  'timestamp',
  'duration',
]);

function collectSites(ctx: CheckContext): Site[] {
  const { flow, graph } = ctx;
  const sites: Site[] = [];
  const template = (
    source: string | undefined,
    path: string,
    label: string,
    points: EvalPoint[],
    extra: Partial<Site> = {},
  ) => {
    if (source !== undefined && source !== '')
      sites.push({ kind: 'template', source, path, label, points, tool: false, ...extra });
  };
  const templatesIn = (
    value: unknown,
    path: string,
    label: string,
    points: EvalPoint[],
    extra: Partial<Site>,
    depth = 0,
  ): void => {
    if (typeof value === 'string') template(value, path, label, points, extra);
    else if (depth >= MAX_VALUE_DEPTH)
      return; // as renderValue: deeper values are not templates
    else if (Array.isArray(value))
      value.forEach((v, i) => templatesIn(v, joinPath(path, i), label, points, extra, depth + 1));
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) templatesIn(v, joinPath(path, k), label, points, extra, depth + 1);
  };
  const extractedBy = (id: string): string[] => {
    const node = graph.node(id);
    return node?.type === 'llm' ? (node.extract ?? []).map((e) => e.var) : [];
  };
  const llmNodes = [...graph.nodes.values()].filter((n) => n.type === 'llm');
  const listening = [...graph.nodes.values()].filter((n) => n.type === 'llm' || n.type === 'question');

  template(
    flow.settings.persona,
    'settings.persona',
    'The persona (settings.persona)',
    llmNodes.map((n) => ({ node: n.id })),
  );

  // a say reached by a returning global is also spoken from every node the global interrupts
  const returnPoints = new Map<string, EvalPoint[]>();
  for (const g of flow.globals) {
    if (!g.return) continue;
    const points = returnPoints.get(g.goto) ?? [];
    for (const n of listening)
      if (!g.scope || g.scope.includes(n.id)) points.push({ node: n.id, may: extractedBy(n.id) });
    returnPoints.set(g.goto, points);
  }

  flow.nodes.forEach((node, i) => {
    const at = (...rest: (string | number)[]) => ctx.path('nodes', i, ...rest);
    const here: EvalPoint[] = [{ node: node.id }, ...(returnPoints.get(node.id) ?? [])];
    const of = (field: string) => `the ${field} of ${describeNode(node)}`;
    const ids = { nodeId: node.id };
    switch (node.type) {
      case 'say':
        template(node.text, at('text'), of('text'), here, ids);
        break;
      case 'question':
        template(node.prompt, at('prompt'), of('prompt'), here, ids);
        template(node.reprompt, at('reprompt'), of('reprompt'), here, ids);
        break;
      case 'llm':
        template(node.task, at('task'), of('task'), here, ids);
        template(node.opening, at('opening'), of('opening'), here, ids);
        break;
      case 'tool':
        template(node.filler, at('filler'), of('filler'), here, ids);
        templatesIn(node.input, at('input'), of('input'), here, ids);
        break;
      case 'branch':
        node.cases.forEach((c, j) =>
          sites.push({
            kind: 'condition',
            source: c.when,
            path: at('cases', j, 'when'),
            label: `the condition of case "${c.id}" of ${describeNode(node)}`,
            points: here,
            tool: false,
            ...ids,
          }),
        );
        break;
      case 'set':
        node.assign.forEach((a, j) =>
          sites.push({
            kind: 'value',
            source: a.value,
            path: at('assign', j, 'value'),
            label: `the value for "${a.var}" in ${describeNode(node)}`,
            points: here.map((p) => ({ ...p, must: node.assign.slice(0, j).map((b) => b.var) })),
            tool: false,
            ...ids,
          }),
        );
        break;
      case 'transfer':
        template(node.to, at('to'), of('target'), here, ids);
        template(node.announce, at('announce'), of('announcement'), here, ids);
        break;
      case 'voicemail':
      case 'opt_out':
      case 'end':
        template(node.text, at('text'), of('text'), here, ids);
        break;
      case 'start':
        break;
    }
  });

  flow.edges.forEach((edge, i) => {
    if (edge.kind !== 'intent' || !edge.say) return;
    template(
      edge.say,
      ctx.path('edges', i, 'say'),
      `what intent edge "${edge.id}" says`,
      graph.nodes.has(edge.from) ? [{ node: edge.from, may: extractedBy(edge.from) }] : [],
      { edgeId: edge.id, ...(graph.nodes.has(edge.from) ? { nodeId: edge.from } : {}) },
    );
  });

  // a tool's templates are read wherever the tool is called
  const callers = new Map<string, EvalPoint[]>();
  for (const node of graph.nodes.values()) {
    if (node.type === 'tool') callers.set(node.tool, [...(callers.get(node.tool) ?? []), { node: node.id }]);
    if (node.type === 'llm')
      for (const t of node.tools ?? [])
        callers.set(t, [...(callers.get(t) ?? []), { node: node.id, may: extractedBy(node.id) }]);
  }
  flow.tools.forEach((tool, i) => {
    if (tool.kind !== 'http') return;
    const points = callers.get(tool.id) ?? [];
    const label = `Tool "${tool.id}"`;
    template(tool.url, ctx.path('tools', i, 'url'), `the URL of ${label}`, points, { tool: true });
    for (const [name, value] of Object.entries(tool.headers ?? {}))
      template(value, ctx.path('tools', i, 'headers', name), `the "${name}" header of ${label}`, points, {
        tool: true,
      });
    templatesIn(tool.body, ctx.path('tools', i, 'body'), `the body of ${label}`, points, { tool: true });
  });
  return sites;
}

function checkSite(ctx: CheckContext, site: Site, states: VariableStates | undefined): void {
  const where = { nodeId: site.nodeId, edgeId: site.edgeId, path: site.path };
  const parsed = site.kind === 'template' ? parseTemplate(site.source) : parseCondition(site.source);
  if (!parsed.ok) {
    const at = parsed.position === undefined ? '' : ` (at character ${parsed.position + 1})`;
    ctx.report(
      site.kind === 'template'
        ? diagnostic(
            'INVALID_TEMPLATE',
            `${capitalise(site.label)} is not a valid template: ${parsed.message}${at}.`,
            where,
          )
        : diagnostic(
            'INVALID_CONDITION',
            `${capitalise(site.label)} is not a valid expression: ${parsed.message}${at}.`,
            where,
          ),
    );
    return;
  }
  if (site.kind === 'condition') {
    const type = conditionResultType(site.source);
    if (type !== undefined && type !== 'bool' && type !== 'dyn')
      ctx.report(
        diagnostic(
          'INVALID_CONDITION',
          `${capitalise(site.label)} gives ${CEL_TYPE_WORDS[type] ?? `a ${type}`}, never true or false; compare it with something (for example ==, <, >).`,
          where,
        ),
      );
  }
  for (const name of parsed.identifiers) {
    if (ALWAYS_AVAILABLE.has(name)) continue;
    if (TOOL_ONLY.has(name) && site.tool) continue;
    if (ctx.variableExists(name)) {
      if (states) checkSetBeforeUse(ctx, site, name, states);
      continue;
    }
    if (site.kind !== 'template' && CEL_TYPE_NAMES.has(name)) continue;
    if (name === 'secrets')
      ctx.report(
        diagnostic(
          'SECRETS_OUTSIDE_TOOL',
          `${capitalise(site.label)} uses secrets; secrets may only be used in a tool's URL, headers or body, where they are never spoken or logged.`,
          where,
        ),
      );
    else if (name === 'input')
      ctx.report(
        diagnostic(
          'UNDECLARED_VARIABLE',
          `${capitalise(site.label)} uses "input", which only exists in a tool's URL, headers and body.`,
          where,
        ),
      );
    else
      ctx.report(
        diagnostic(
          'UNDECLARED_VARIABLE',
          `${capitalise(site.label)} uses "${name}", which is not a declared variable; declare it or fix the name.`,
          where,
        ),
      );
  }
}

function checkSetBeforeUse(ctx: CheckContext, site: Site, name: string, states: VariableStates): void {
  let unsetAt: string | undefined;
  let maybeAt: string | undefined;
  for (const point of site.points) {
    if (point.must?.includes(name)) continue;
    const status = states.status(name, point.node);
    if (status === 'unreached' || status === 'set') continue;
    if (status === 'unset' && !point.may?.includes(name)) unsetAt ??= point.node;
    else maybeAt ??= point.node;
  }
  const nodeId = site.nodeId ?? unsetAt ?? maybeAt;
  const where = { nodeId, edgeId: site.edgeId, path: site.path };
  const there = site.nodeId === undefined && nodeId !== undefined ? ` when the call reaches "${nodeId}"` : '';
  if (unsetAt !== undefined)
    ctx.report(
      diagnostic(
        'UNSET_VARIABLE',
        `${capitalise(site.label)} uses "${name}"${there}, but nothing has set it by then; make it an input, give it a default, or set it earlier.`,
        where,
      ),
    );
  else if (maybeAt !== undefined)
    ctx.report(
      diagnostic(
        'MAYBE_UNSET_VARIABLE',
        `${capitalise(site.label)} uses "${name}"${there}, but not every way there sets it; it may be empty.`,
        where,
      ),
    );
}

/** Variable types that can hold what each capture type yields. */
const CAPTURE_FITS: Record<CaptureType, readonly VariableType[]> = {
  yes_no: ['boolean'],
  choice: ['enum', 'string'],
  number: ['number'],
  date: ['date', 'string'],
  time: ['time', 'string'],
  datetime: ['datetime', 'string'],
  phone: ['string'],
  digits: ['string'],
  text: ['string'],
};

function checkTargets(ctx: CheckContext): void {
  const { graph } = ctx;
  ctx.flow.nodes.forEach((node, i) => {
    const target = (name: string, path: string, what: string, capture?: CaptureType): void => {
      if (!ctx.variableExists(name)) {
        ctx.report(
          diagnostic(
            'UNDECLARED_TARGET',
            `${describeNode(node)} ${what} "${name}", which is not a declared variable; declare it or fix the name.`,
            { nodeId: node.id, path },
          ),
        );
        return;
      }
      const variable = graph.variables.get(name);
      if (!variable || !capture) return;
      if (!CAPTURE_FITS[capture].includes(variable.type))
        ctx.report(
          diagnostic(
            'CAPTURE_TYPE_MISMATCH',
            `${describeNode(node)} captures ${capture} into "${name}", which is a ${variable.type} variable; use a ${CAPTURE_FITS[capture].join(' or ')} variable.`,
            { nodeId: node.id, path },
          ),
        );
      else if (node.type === 'question' && capture === 'choice' && variable.type === 'enum') {
        const missing = (node.capture.values ?? [])
          .map((v) => v.id)
          .filter((id) => !(variable.values ?? []).includes(id));
        if (missing.length)
          ctx.report(
            diagnostic(
              'CAPTURE_TYPE_MISMATCH',
              `${describeNode(node)} can capture ${missing.map((m) => `"${m}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not among the values of "${name}".`,
              { nodeId: node.id, path },
            ),
          );
      }
    };
    switch (node.type) {
      case 'question':
        target(node.capture.var, ctx.path('nodes', i, 'capture', 'var'), 'captures into', node.capture.type);
        break;
      case 'llm':
        (node.extract ?? []).forEach((e, j) =>
          target(e.var, ctx.path('nodes', i, 'extract', j, 'var'), 'extracts into', e.type),
        );
        break;
      case 'set':
        node.assign.forEach((a, j) => target(a.var, ctx.path('nodes', i, 'assign', j, 'var'), 'assigns'));
        break;
      case 'tool':
        for (const name of Object.keys(node.output ?? {}))
          target(name, ctx.path('nodes', i, 'output', name), 'stores a result in');
        break;
      default:
        break;
    }
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
