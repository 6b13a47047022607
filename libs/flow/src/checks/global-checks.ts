import { isListeningNode, type Global } from '../schema/index.js';
import type { CheckContext } from './check-context.js';
import { diagnostic } from './diagnostics.js';
import { describeNode } from './wording.js';

/** Globals lead somewhere that exists, their scopes name listening nodes, returning ones speak and resume. */
export function checkGlobals(ctx: CheckContext): void {
  const { flow, graph } = ctx;
  const triggers = new Map<string, string>();
  flow.globals.forEach((g, i) => {
    const label = `Global "${g.id}"`;
    const target = graph.node(g.goto);
    if (!ctx.nodeExists(g.goto))
      ctx.report(
        diagnostic('GLOBAL_TARGET_NOT_FOUND', `${label} leads to "${g.goto}", but there is no node with that id.`, {
          path: ctx.path('globals', i, 'goto'),
        }),
      );
    else if (target?.type === 'start')
      ctx.report(
        diagnostic('GLOBAL_TARGET_START', `${label} leads to the start node; a call cannot be dialled again.`, {
          nodeId: target.id,
          path: ctx.path('globals', i, 'goto'),
        }),
      );
    if (g.return && target && target.type !== 'say')
      ctx.report(
        diagnostic(
          'GLOBAL_RETURN_NOT_SAY',
          `${label} returns to where the callee was, so it must lead to a say node; ${describeNode(target)} is not one.`,
          { nodeId: target.id, path: ctx.path('globals', i, 'goto') },
        ),
      );
    if (g.trigger.kind === 'intent' && !g.trigger.intent && !g.trigger.prompt?.trim() && !g.trigger.examples?.length)
      ctx.report(
        diagnostic(
          'GLOBAL_TRIGGER_EMPTY',
          `${label} needs a built-in intent, a prompt or examples so that the callee's words can be matched to it.`,
          { path: ctx.path('globals', i, 'trigger') },
        ),
      );
    if (g.scope) {
      if (g.scope.length === 0)
        ctx.report(
          diagnostic(
            'GLOBAL_SCOPE_EMPTY',
            `${label} has an empty scope, so it can never fire; remove "scope" to make it apply everywhere.`,
            {
              path: ctx.path('globals', i, 'scope'),
            },
          ),
        );
      g.scope.forEach((id, j) => {
        const node = graph.node(id);
        if (!ctx.nodeExists(id))
          ctx.report(
            diagnostic('GLOBAL_SCOPE_NOT_FOUND', `${label} applies to "${id}", but there is no node with that id.`, {
              path: ctx.path('globals', i, 'scope', j),
            }),
          );
        else if (node && !isListeningNode(node))
          ctx.report(
            diagnostic(
              'GLOBAL_SCOPE_NOT_LISTENING',
              `${label} applies to ${describeNode(node)}, which never listens to the callee; globals only fire in questions and llm nodes.`,
              { nodeId: id, path: ctx.path('globals', i, 'scope', j) },
            ),
          );
      });
    } else {
      const key = triggerKey(g);
      if (key) {
        const first = triggers.get(key);
        if (first !== undefined)
          ctx.report(
            diagnostic(
              'DUPLICATE_GLOBAL_TRIGGER',
              `${label} has the same trigger as global "${first}", which comes first, so "${g.id}" never fires.`,
              { path: ctx.path('globals', i, 'trigger') },
            ),
          );
        else triggers.set(key, g.id);
      }
    }
  });
}

function triggerKey(g: Global): string | undefined {
  const t = g.trigger;
  switch (t.kind) {
    case 'intent':
      return t.intent ? `intent:${t.intent}` : undefined;
    case 'dtmf':
      return `dtmf:${t.digits}`;
    case 'event':
      return `event:${t.event}`;
  }
}
