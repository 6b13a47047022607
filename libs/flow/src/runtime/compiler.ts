import { assign, enqueueActions, fromPromise, setup, type AnyEventObject } from 'xstate';
import { renderTemplate, renderValue } from '../expressions/index.js';
import { FlowGraph } from '../graph/index.js';
import type { FlowDocument, FlowNode, LlmNode, QuestionNode, ToolNode } from '../schema/index.js';
import type { UnderstandRequest, UnderstandResult } from '../understanding/types.js';
import {
  acceptsKeys,
  afterHello,
  askQuestion,
  branchNode,
  calleeHungUp,
  calleeTurn,
  endNode,
  enterNode,
  listenForHello,
  llmKeys,
  llmListen,
  llmOpen,
  llmSilent,
  llmUnderstood,
  maxDurationReached,
  optOutNode,
  questionKeys,
  questionSilent,
  questionUnderstood,
  sayNode,
  setNode,
  startCall,
  toolDone,
  toolStart,
  transferDone,
  transferStart,
  understandRequest,
  voicemailNode,
} from './behaviours.js';
import type { CallContext, CallInput, CallOutput } from './call-context.js';
import { portsOf } from './ports.js';
import { changes, scopeOf, Step, type FlowEnv, type MachineEvent } from './step.js';
import type { ToolOutcome, TransferResult } from './types.js';
import { initialVariables } from './values.js';

/** The final state's key; node ids start with a letter, so it never collides with one. */
export const ENDED = '__ended';
const DEFAULT_TOOL_TIMEOUT_MS = 10_000;

type Reaction = (step: Step, event: AnyEventObject) => void;

/**
 * Compiles a flow document to an XState v5 machine (`setup(...).createMachine(...)`).
 * One state per node, with `ask`/`listening` and `understanding` substates for the nodes
 * that wait for the callee. Moves between nodes are `GOTO.<id>` events handled at the
 * root, so node behaviour decides where to go (FLOW-LANGUAGE.md semantics in
 * behaviours.ts) and XState owns states, invocations and the persisted snapshot.
 * Ports (speech, understanding, tools, clock, opt-out) are bound per call by CallSession.
 */
export function compileFlow(flow: FlowDocument) {
  const graph = new FlowGraph(flow);
  const env: FlowEnv = {
    flow,
    graph,
    defaults: flow.settings.defaults,
    timezone: flow.settings.timezone,
    locale: flow.meta.locale,
  };

  /**
   * Runs a node behaviour and turns the Step into XState actions. Typed loosely on
   * purpose: the generated state configs are dynamic, so XState cannot infer them anyway.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const react = (reaction: Reaction): any =>
    enqueueActions(({ context, event, enqueue, system }) => {
      const step = new Step(context as CallContext, portsOf(system), env);
      reaction(step, event);
      const patch = changes(step);
      if (patch) enqueue.assign(patch);
      for (const effect of step.effects) enqueue(effect);
      if (step.next) enqueue.raise(step.next as AnyEventObject);
    });

  const nodeOf = (step: Step): FlowNode => graph.node(step.state.node) ?? flow.nodes[0]!;

  const machineSetup = setup({
    types: {
      context: {} as CallContext,
      events: {} as MachineEvent,
      input: {} as CallInput,
      output: {} as CallOutput,
    },
    guards: {
      /** a timeout counts only for the listen it was armed for */
      currentDeadline: ({ context, event }) =>
        event.type === 'TIMEOUT' && context.deadline !== null && context.deadline.seq === event.seq,
    },
    actors: {
      understand: fromPromise<{ text: string; result: UnderstandResult }, { request: UnderstandRequest }>(
        async ({ input, system }) => ({
          text: input.request.text,
          result: await portsOf(system).understanding.understand(input.request),
        }),
      ),
      runTool: fromPromise<ToolOutcome, { nodeId: string; scope: Record<string, unknown> }>(async ({ input, system }) =>
        runTool(env, portsOf(system), input.nodeId, input.scope),
      ),
      transfer: fromPromise<
        { to: string; result: TransferResult },
        { nodeId: string; to: string; mode: 'cold' | 'warm' }
      >(async ({ input, system }) => {
        if (!input.to) return { to: input.to, result: 'failed' };
        const result = await portsOf(system).channel.transfer(input.to, { nodeId: input.nodeId, mode: input.mode });
        return { to: input.to, result };
      }),
      recordOptOut: fromPromise<void, { nodeId: string; channel: 'voice' | 'dtmf' | 'unknown'; words?: string }>(
        async ({ input, system }) => {
          const ports = portsOf(system);
          await ports.optOut.record({ ...input, at: new Date(ports.clock.now()).toISOString() });
        },
      ),
    },
  });

  // ---------------------------------------------------------------- listening substates

  const listeningStates = (
    node: QuestionNode | LlmNode,
    waiting: string,
    onEntry: Reaction,
    onText: (step: Step, text: string, result: UnderstandResult) => void,
    onKeys: (step: Step, digits: string) => void,
    onSilence: (step: Step) => void,
  ) => ({
    [waiting]: {
      entry: react(onEntry),
      on: {
        'CALLEE.TEXT': { target: 'understanding' },
        'CALLEE.DTMF': {
          actions: react((step, event) => {
            const digits = String(event['digits']);
            calleeTurn(step, 'dtmf', digits);
            onKeys(step, digits);
          }),
        },
        TIMEOUT: {
          guard: 'currentDeadline' as const,
          actions: react((step) => {
            calleeTurn(step, null);
            onSilence(step);
          }),
        },
        RETRY: { target: waiting, reenter: true },
      },
    },
    understanding: {
      invoke: {
        src: 'understand' as const,
        input: ({
          context,
          event,
          self,
        }: {
          context: CallContext;
          event: AnyEventObject;
          self: { system: object };
        }) => ({
          request: understandRequest(env, context, node, String(event.text ?? ''), portsOf(self.system).clock.now()),
        }),
        onDone: {
          actions: react((step, event) => {
            const { text, result } = (event as unknown as { output: { text: string; result: UnderstandResult } })
              .output;
            calleeTurn(step, 'voice', text);
            onText(step, text, result);
          }),
        },
        onError: {
          actions: react((step, event) => {
            step.error(`language understanding failed: ${String((event as { error?: unknown }).error)}`);
            calleeTurn(step, 'voice');
            onText(step, '', { extracted: {} });
          }),
        },
      },
      on: { RETRY: { target: waiting } },
    },
  });

  // ---------------------------------------------------------------- one state per node

  const stateFor = (node: FlowNode) => {
    const enter = react((step) => enterNode(step, node));
    switch (node.type) {
      case 'start':
        return {
          entry: [enter, react((step) => startCall(step, node))],
          initial: 'dialing',
          states: {
            dialing: { on: { HELLO: { target: 'hello' } } },
            hello: {
              entry: react(listenForHello),
              on: {
                'CALLEE.TEXT': { actions: react((step, e) => (calleeTurn(step, 'voice', e.text), afterHello(step))) },
                'CALLEE.DTMF': { actions: react((step, e) => (calleeTurn(step, 'dtmf', e.digits), afterHello(step))) },
                TIMEOUT: {
                  guard: 'currentDeadline' as const,
                  actions: react((step) => (calleeTurn(step, null), afterHello(step))),
                },
              },
            },
          },
        };
      case 'say':
        return { entry: [enter, react((step) => sayNode(step, node))] };
      case 'voicemail':
        return { entry: [enter, react((step) => voicemailNode(step, node))] };
      case 'branch':
        return { entry: [enter, react((step) => branchNode(step, node))] };
      case 'set':
        return { entry: [enter, react((step) => setNode(step, node))] };
      case 'end':
        return { entry: [enter, react((step) => endNode(step, node))] };
      case 'question':
        return {
          entry: enter,
          initial: 'ask',
          states: listeningStates(
            node,
            'ask',
            (step) => askQuestion(step, node),
            (step, text, result) => questionUnderstood(step, node, text, result),
            (step, digits) => questionKeys(step, node, digits),
            (step) => questionSilent(step, node),
          ),
        };
      case 'llm':
        return {
          entry: [enter, react((step) => llmOpen(step, node))],
          initial: 'listening',
          states: listeningStates(
            node,
            'listening',
            (step) => llmListen(step, node),
            (step, _text, result) => llmUnderstood(step, node, result),
            (step, digits) => llmKeys(step, node, digits),
            (step) => llmSilent(step, node),
          ),
        };
      case 'tool':
        return {
          entry: [enter, react((step) => toolStart(step, node))],
          invoke: {
            src: 'runTool' as const,
            input: ({ context }: { context: CallContext }) => ({ nodeId: node.id, scope: scopeOf(env, context) }),
            onDone: { actions: react((step, e) => toolDone(step, node, e.output as ToolOutcome)) },
            onError: {
              actions: react((step, e) => toolDone(step, node, { status: 'error', error: String(e.error) })),
            },
          },
        };
      case 'transfer':
        return {
          entry: [enter, react((step) => transferStart(step, node))],
          invoke: {
            src: 'transfer' as const,
            input: ({ context }: { context: CallContext }) => ({
              nodeId: node.id,
              to: safeRender(node.to, scopeOf(env, context), env.timezone),
              mode: node.mode,
            }),
            onDone: {
              actions: react((step, e) => {
                const { to, result } = e.output as { to: string; result: TransferResult };
                transferDone(step, node, to, result);
              }),
            },
            onError: { actions: react((step) => transferDone(step, node, node.to, 'failed')) },
          },
        };
      case 'opt_out':
        return {
          entry: [enter, react((step) => optOutNode(step, node))],
          invoke: {
            src: 'recordOptOut' as const,
            input: ({ context }: { context: CallContext }) => ({
              nodeId: node.id,
              channel:
                context.lastInput === 'dtmf'
                  ? ('dtmf' as const)
                  : context.lastInput === 'voice'
                    ? ('voice' as const)
                    : ('unknown' as const),
              ...(context.lastWords ? { words: context.lastWords } : {}),
            }),
            onDone: { actions: react((step) => step.end('opted_out')) },
            onError: {
              actions: react((step, e) => {
                step.error(`the opt-out could not be recorded: ${String(e.error)}`);
                step.end('opted_out');
              }),
            },
          },
        };
    }
  };

  const states: Record<string, object> = {};
  const moves: Record<string, { target: string }> = {};
  for (const node of graph.nodes.values()) {
    states[node.id] = stateFor(node);
    moves[`GOTO.${node.id}`] = { target: `.${node.id}` };
  }
  states[ENDED] = {
    type: 'final',
    entry: react((step) => {
      const s = step.state;
      step.record({ type: 'call.ended', disposition: s.disposition ?? 'completed', nodeId: s.node });
      if (s.disposition !== 'transferred' && !s.calleeGone) {
        const { ports } = step;
        step.effects.push(() => void ports.channel.hangup());
      }
    }),
  };

  const machine = machineSetup.createMachine({
    id: 'call',
    initial: flow.entry,
    context: ({ input }) => initialContext(flow, input),
    on: {
      ...moves,
      END: { target: `.${ENDED}` },
      DEADLINE: {
        actions: assign(({ context, event }) =>
          context.deadline && context.deadline.seq === event.seq
            ? { deadline: { ...context.deadline, at: event.at } }
            : {},
        ),
      },
      'CALLEE.HANGUP': { actions: react((step) => calleeHungUp(step, nodeOf(step))) },
      MAX_DURATION: { actions: react((step) => maxDurationReached(step, nodeOf(step))) },
    },
    // the generated states are typed loosely: their shape is checked by the tests, not by inference
    states: states as never,
    output: ({ context }) => ({
      disposition: context.disposition ?? 'completed',
      optedOut: context.optedOut,
      variables: context.vars,
      path: context.path,
    }),
  });

  return { flow, graph, env, machine };
}

export type CompiledFlow = ReturnType<typeof compileFlow>;
export type CallMachine = CompiledFlow['machine'];

export function initialContext(flow: FlowDocument, input: CallInput): CallContext {
  return {
    vars: initialVariables(flow, input.variables),
    call: {
      id: input.callId ?? null,
      answeredBy: input.answeredBy,
      attempt: input.attempt ?? 1,
      startedAt: input.startedAt,
    },
    path: [],
    visits: {},
    node: flow.entry,
    asks: 0,
    turns: 0,
    nodeTurns: 0,
    silences: 0,
    cooldown: {},
    returnTo: null,
    resume: false,
    seq: 0,
    deadline: null,
    disposition: null,
    optedOut: false,
    lastInput: null,
    lastWords: null,
    calleeGone: false,
    maxDurationFired: false,
  };
}

async function runTool(
  env: FlowEnv,
  ports: ReturnType<typeof portsOf>,
  nodeId: string,
  scope: Record<string, unknown>,
): Promise<ToolOutcome> {
  const node = env.graph.node(nodeId) as ToolNode;
  const tool = env.graph.tools.get(node.tool);
  if (!tool) return { status: 'error', error: `unknown tool "${node.tool}"` };
  const options = { timezone: env.timezone };
  let input: Record<string, unknown>;
  let request: { method: string; url: string; headers: Record<string, string>; body?: unknown } | undefined;
  try {
    // the node's input is recorded, so it never sees secrets; the tool's own templates do
    input = (node.input ? renderValue(node.input, scope, options) : {}) as Record<string, unknown>;
    if (tool.kind === 'http') {
      const toolScope = { ...scope, secrets: ports.secrets, input };
      const body =
        tool.body !== undefined
          ? renderValue(tool.body, toolScope, options)
          : tool.method === 'GET'
            ? undefined
            : input;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(tool.headers ?? {})) {
        const rendered = renderTemplate(value, toolScope, options);
        if (rendered !== '') headers[name] = rendered;
      }
      request = {
        method: tool.method,
        url: renderTemplate(tool.url, toolScope, options),
        headers,
        ...(body !== undefined ? { body } : {}),
      };
    }
  } catch (error) {
    return {
      status: 'error',
      error: `the tool request could not be built: ${String((error as Error).message ?? error)}`,
    };
  }
  ports.record({ type: 'tool.called', nodeId, toolId: tool.id, input });
  const timeoutMs = node.timeoutMs ?? tool.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  try {
    return await ports.tools.run({ tool, nodeId, input, ...(request ? { request } : {}), timeoutMs });
  } catch (error) {
    return { status: 'error', error: String((error as Error).message ?? error) };
  }
}

function safeRender(template: string, scope: Record<string, unknown>, timezone: string): string {
  try {
    return renderTemplate(template, scope, { timezone }).trim();
  } catch {
    return '';
  }
}

/** whether a question listens for keys (used by channels to enable DTMF collection) */
export { acceptsKeys };
