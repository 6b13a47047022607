import { evaluateCondition, evaluateExpression, ExpressionError } from '../expressions/index.js';
import type {
  BranchNode,
  EndNode,
  FlowNode,
  Global,
  IntentEdge,
  LlmNode,
  QuestionNode,
  SayNode,
  SetNode,
  StartNode,
  ToolNode,
  TransferNode,
  VoicemailNode,
} from '../schema/index.js';
import { interpretDtmf } from '../understanding/index.js';
import type { IntentCandidate, UnderstandRequest, UnderstandResult } from '../understanding/types.js';
import type { CallContext } from './call-context.js';
import type { FlowEnv, Step } from './step.js';
import type { ToolOutcome, TransferResult } from './types.js';
import { readPath } from './values.js';

/**
 * What each node type does on entry and on each callee turn — FLOW-LANGUAGE.md "Nodes"
 * and "Precise semantics", written against Step.
 */

export const LLM_NOT_PLACED = 'Sorry, could you say that again?';
export const LLM_STILL_THERE = 'Are you still there?';
export const LLM_NOTED = 'Got it.';
export const OPT_OUT_DEFAULT = "Understood. We won't call you again. Goodbye.";

// ------------------------------------------------------------------ entering

export function enterNode(step: Step, node: FlowNode): void {
  const s = step.state;
  s.path = [...s.path, node.id];
  s.node = node.id;
  step.record({ type: 'node.entered', nodeId: node.id, nodeType: node.type });
  if (s.resume) return; // a resumed node keeps its attempts and turns
  s.visits = { ...s.visits, [node.id]: (s.visits[node.id] ?? 0) + 1 };
  s.asks = 0;
  s.nodeTurns = 0;
  s.silences = 0;
  if (node.type !== 'say') s.returnTo = null;
}

export function startCall(step: Step, node: StartNode): void {
  const amdEnabled = node.amd?.enabled ?? true;
  const answeredBy = step.state.call.answeredBy;
  // without answering-machine detection a machine that picks up sounds like a person
  const outcome = answeredBy === 'voicemail' && !amdEnabled ? 'human' : answeredBy;
  if (outcome === 'human' && node.firstSpeaker === 'callee') {
    step.state.resume = false;
    step.next = { type: 'HELLO' };
    return;
  }
  if (!step.env.graph.edge(node.id, outcome)) return step.end(outcome);
  step.follow(outcome);
}

export function listenForHello(step: Step): void {
  step.listen({ timeoutMs: step.env.defaults.noInputTimeoutMs, input: 'both' });
}

/** `firstSpeaker: callee`: whatever the callee's first turn is, it is their hello */
export function afterHello(step: Step): void {
  step.follow('human');
}

/** the callee hung up: a `hangup` global may still run (tools, no speech), else the call ends */
export function calleeHungUp(step: Step, node: FlowNode): void {
  const s = step.state;
  s.calleeGone = true;
  s.deadline = null;
  // an opt-out being recorded, or a call already ending, finishes as it is
  if (s.disposition !== null || node.type === 'opt_out') return;
  if (fireEventGlobal(step, 'hangup')) return;
  step.end('callee_hung_up');
}

export function maxDurationReached(step: Step, node: FlowNode): void {
  const s = step.state;
  if (s.maxDurationFired || s.disposition !== null || node.type === 'opt_out') return;
  s.maxDurationFired = true;
  if (fireEventGlobal(step, 'max_duration')) return;
  step.end('max_duration');
}

export function sayNode(step: Step, node: SayNode): void {
  step.say(node.text, 'say', node.interruptible);
  const back = step.state.returnTo;
  if (back) return step.resume(back);
  step.follow('next');
}

export function voicemailNode(step: Step, node: VoicemailNode): void {
  step.say(node.text, 'voicemail', false);
  step.follow('next');
}

export function endNode(step: Step, node: EndNode): void {
  step.say(node.text, 'closing', false);
  step.end(node.disposition);
}

export function optOutNode(step: Step, node: { id: string; text?: string | undefined }): void {
  const s = step.state;
  step.say(node.text ?? OPT_OUT_DEFAULT, 'closing', false);
  s.optedOut = true;
  const channel = s.lastInput === 'dtmf' ? 'dtmf' : s.lastInput === 'voice' ? 'voice' : 'unknown';
  step.record({ type: 'opted_out', nodeId: node.id, channel, ...(s.lastWords ? { words: s.lastWords } : {}) });
}

export function branchNode(step: Step, node: BranchNode): void {
  const scope = step.scope();
  for (const branchCase of node.cases) {
    try {
      if (evaluateCondition(branchCase.when, scope)) return step.follow(branchCase.id);
    } catch (error) {
      step.error(`case "${branchCase.id}": ${message(error)}`);
    }
  }
  step.follow('else');
}

export function setNode(step: Step, node: SetNode): void {
  for (const assignment of node.assign) {
    try {
      step.setVar(assignment.var, evaluateExpression(assignment.value, step.scope()));
    } catch (error) {
      step.error(`assign "${assignment.var}": ${message(error)}`);
    }
  }
  step.follow('next');
}

export function toolStart(step: Step, node: ToolNode): void {
  step.say(node.filler, 'filler');
}

export function toolDone(step: Step, node: ToolNode, outcome: ToolOutcome): void {
  step.record({
    type: 'tool.result',
    nodeId: node.id,
    toolId: node.tool,
    outcome: outcome.status,
    ...(outcome.status === 'success' ? { result: outcome.result } : {}),
    ...(outcome.status === 'error' ? { error: outcome.error } : {}),
  });
  if (outcome.status === 'success') {
    for (const [variable, path] of Object.entries(node.output ?? {})) {
      const value = readPath(outcome.result, path);
      step.setVar(variable, value === undefined ? null : value);
    }
    return step.follow('success');
  }
  if (outcome.status === 'timeout') return step.follow('timeout', 'error');
  step.follow('error');
}

export function transferStart(step: Step, node: TransferNode): void {
  step.say(node.announce, 'announce', false);
}

export function transferDone(step: Step, node: TransferNode, to: string, result: TransferResult): void {
  step.record({ type: 'transfer.result', nodeId: node.id, to, result });
  if (result === 'connected') return step.end('transferred');
  step.follow(result, 'failed');
}

// ------------------------------------------------------------------ questions

export function acceptsKeys(node: QuestionNode): boolean {
  return node.input !== 'speech' || node.capture.type === 'digits';
}

export function askQuestion(step: Step, node: QuestionNode): void {
  const s = step.state;
  if (s.resume) {
    s.resume = false;
    step.say(node.prompt, 'prompt', node.interruptible);
  } else {
    s.asks += 1;
    const first = s.asks === 1;
    step.say(first ? node.prompt : (node.reprompt ?? node.prompt), first ? 'prompt' : 'reprompt', node.interruptible);
  }
  step.listen({
    timeoutMs: node.noInputTimeoutMs ?? step.env.defaults.noInputTimeoutMs,
    input: node.capture.type === 'digits' && node.input === 'speech' ? 'both' : node.input,
    captureType: node.capture.type,
    prompt: node.prompt,
  });
}

/** a failed ask: reprompt while attempts remain, else the edge of this failure */
function questionFailed(step: Step, node: QuestionNode, failure: 'no_input' | 'no_match'): void {
  const maxAttempts = node.maxAttempts ?? step.env.defaults.maxAttempts;
  if (step.state.asks < maxAttempts) return step.retry();
  step.follow(failure);
}

function answer(step: Step, node: QuestionNode, value: unknown): void {
  step.setVar(node.capture.var, value);
  if (node.capture.type === 'yes_no') return step.follow(value === true ? 'yes' : 'no');
  if (node.capture.type === 'choice') return step.follow(String(value));
  step.follow('answered');
}

export function questionUnderstood(step: Step, node: QuestionNode, text: string, result: UnderstandResult): void {
  if (placeIntent(step, result)) {
    const edge = matchedEdge(step, result);
    if (edge && node.capture.type === 'text') step.setVar(node.capture.var, text.trim());
    if (edge) followIntentEdge(step, edge);
    return;
  }
  if (node.input !== 'dtmf' && result.capture) return answer(step, node, result.capture.value);
  questionFailed(step, node, 'no_match');
}

export function questionKeys(step: Step, node: QuestionNode, digits: string): void {
  if (acceptsKeys(node)) {
    const interpreted = interpretDtmf(digits, node.capture);
    if (interpreted) return answer(step, node, interpreted.value);
    if (fireKeyGlobal(step, digits)) return;
    return questionFailed(step, node, 'no_match');
  }
  if (fireKeyGlobal(step, digits)) return;
  questionFailed(step, node, 'no_match');
}

export function questionSilent(step: Step, node: QuestionNode): void {
  if (fireSilenceGlobal(step)) return;
  questionFailed(step, node, 'no_input');
}

// ------------------------------------------------------------------ llm nodes (local mode)

export function llmOpen(step: Step, node: LlmNode): void {
  step.state.resume = false;
  step.say(node.opening, 'prompt');
}

export function llmListen(step: Step, node: LlmNode): void {
  step.listen({ timeoutMs: node.noInputTimeoutMs ?? step.env.defaults.noInputTimeoutMs, input: 'speech' });
}

export function llmUnderstood(step: Step, node: LlmNode, result: UnderstandResult): void {
  const s = step.state;
  s.nodeTurns += 1;
  s.silences = 0;
  let extracted = false;
  for (const spec of node.extract ?? []) {
    const value = result.extracted[spec.var];
    if (value !== undefined && value !== s.vars[spec.var]) {
      step.setVar(spec.var, value);
      extracted = true;
    }
  }
  if (placeIntent(step, result)) {
    const edge = matchedEdge(step, result);
    if (edge) followIntentEdge(step, edge);
    return;
  }
  if (s.nodeTurns >= node.maxTurns) return step.follow('max_turns');
  step.say(extracted ? LLM_NOTED : LLM_NOT_PLACED, 'reply');
  step.retry();
}

export function llmKeys(step: Step, node: LlmNode, digits: string): void {
  step.state.nodeTurns += 1;
  step.state.silences = 0;
  if (fireKeyGlobal(step, digits)) return;
  if (step.state.nodeTurns >= node.maxTurns) return step.follow('max_turns');
  step.say(LLM_NOT_PLACED, 'reply');
  step.retry();
}

export function llmSilent(step: Step, node: LlmNode): void {
  const s = step.state;
  s.nodeTurns += 1;
  s.silences += 1;
  if (fireSilenceGlobal(step)) return;
  if (s.silences >= 2) return step.follow('no_input');
  if (s.nodeTurns >= node.maxTurns) return step.follow('max_turns');
  step.say(LLM_STILL_THERE, 'reply');
  step.retry();
}

// ------------------------------------------------------------------ understanding and globals

const GLOBAL_PREFIX = 'global:';
const EDGE_PREFIX = 'edge:';

/**
 * The intent candidates of a listening node: its intent globals, then its intent edges.
 * Built once per node and per set of globals on cooldown, so a turn allocates nothing here
 * and the understanding port can cache its compiled matchers by identity.
 */
const candidateCache = new WeakMap<FlowEnv, Map<string, IntentCandidate[]>>();

function intentCandidates(env: FlowEnv, context: CallContext, node: QuestionNode | LlmNode, turn: number) {
  const globals = env.graph.globalsFor(node.id).filter((g) => g.trigger.kind === 'intent');
  let cooling = '';
  for (const g of globals) if (!cooled(context, g, turn)) cooling += `${g.id},`;
  let byNode = candidateCache.get(env);
  if (!byNode) candidateCache.set(env, (byNode = new Map()));
  const key = `${node.id}|${cooling}`;
  let candidates = byNode.get(key);
  if (candidates) return candidates;
  candidates = [];
  for (const global of globals) {
    if (global.trigger.kind !== 'intent' || !cooled(context, global, turn)) continue;
    const { intent, prompt, examples } = global.trigger;
    candidates.push({
      id: GLOBAL_PREFIX + global.id,
      ...(intent ? { intent } : {}),
      ...(prompt ? { prompt } : {}),
      ...(examples ? { examples } : {}),
      ...(global.label ? { label: global.label } : {}),
    });
  }
  for (const edge of env.graph.intentEdges(node.id)) {
    candidates.push({
      id: EDGE_PREFIX + edge.id,
      ...(edge.intent ? { intent: edge.intent } : {}),
      ...(edge.prompt ? { prompt: edge.prompt } : {}),
      ...(edge.examples ? { examples: edge.examples } : {}),
      ...(edge.label ? { label: edge.label } : {}),
    });
  }
  byNode.set(key, candidates);
  return candidates;
}

/** what the current node listens for, for the understanding port */
export function understandRequest(
  env: FlowEnv,
  context: CallContext,
  node: QuestionNode | LlmNode,
  text: string,
  now: number,
): UnderstandRequest {
  return {
    text,
    candidates: intentCandidates(env, context, node, context.turns + 1),
    ...(node.type === 'question' && node.input !== 'dtmf'
      ? { capture: { type: node.capture.type, ...(node.capture.values ? { values: node.capture.values } : {}) } }
      : {}),
    ...(node.type === 'llm' && node.extract?.length ? { extract: node.extract } : {}),
    now: new Date(now),
    timezone: env.timezone,
    locale: env.locale,
  };
}

/** common bookkeeping for a callee turn in a listening node */
export function calleeTurn(step: Step, kind: 'voice' | 'dtmf' | null, words?: string): void {
  const s = step.state;
  s.turns += 1;
  s.deadline = null;
  if (kind) {
    s.lastInput = kind;
    s.lastWords = words ?? null;
  }
}

/** fires the global or notes the intent edge the turn was placed on; true when it was placed */
function placeIntent(step: Step, result: UnderstandResult): boolean {
  const id = result.intent?.id;
  if (!id) return false;
  if (id.startsWith(GLOBAL_PREFIX)) {
    const global = step.env.graph.globals.get(id.slice(GLOBAL_PREFIX.length));
    if (!global) return false;
    step.fireGlobal(global);
    return true;
  }
  return matchedEdge(step, result) !== undefined;
}

function matchedEdge(step: Step, result: UnderstandResult): IntentEdge | undefined {
  const id = result.intent?.id;
  if (!id?.startsWith(EDGE_PREFIX)) return undefined;
  const edgeId = id.slice(EDGE_PREFIX.length);
  return step.env.graph.intentEdges(step.state.node).find((e) => e.id === edgeId);
}

function followIntentEdge(step: Step, edge: IntentEdge): void {
  step.say(edge.say, 'reply');
  step.goto(edge.to);
}

function fireKeyGlobal(step: Step, digits: string): boolean {
  const global = step.env.graph
    .globalsFor(step.state.node)
    .find((g) => g.trigger.kind === 'dtmf' && g.trigger.digits === digits && step.globalActive(g));
  if (!global) return false;
  step.fireGlobal(global);
  return true;
}

function fireSilenceGlobal(step: Step): boolean {
  return fireEventGlobal(step, 'silence');
}

export function fireEventGlobal(step: Step, event: 'silence' | 'max_duration' | 'hangup'): boolean {
  const global = step.env.graph
    .globalsFor(step.state.node)
    .find((g) => g.trigger.kind === 'event' && g.trigger.event === event && step.globalActive(g));
  if (!global) return false;
  step.fireGlobal(global);
  return true;
}

function cooled(context: CallContext, global: Global, turn: number): boolean {
  const firedAt = context.cooldown[global.id];
  return firedAt === undefined || turn - firedAt > global.cooldownTurns;
}

function message(error: unknown): string {
  return error instanceof ExpressionError || error instanceof Error ? error.message : String(error);
}
