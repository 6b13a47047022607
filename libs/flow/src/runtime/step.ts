import { ExpressionError, renderTemplate } from '../expressions/index.js';
import type { FlowGraph } from '../graph/index.js';
import type { Defaults, FlowDocument, Global } from '../schema/index.js';
import type { CallContext } from './call-context.js';
import type { CallEventBody, CallPorts } from './ports.js';
import type { ListenRequest, SpeechPurpose } from './types.js';

/** What the compiler knows about a flow, shared by every call of it. */
export interface FlowEnv {
  flow: FlowDocument;
  graph: FlowGraph;
  defaults: Defaults;
  timezone: string;
  locale: string;
}

export type MachineEvent =
  | { type: 'CALLEE.TEXT'; text: string }
  | { type: 'CALLEE.DTMF'; digits: string }
  | { type: 'CALLEE.HANGUP' }
  | { type: 'TIMEOUT'; seq: number }
  | { type: 'MAX_DURATION' }
  | { type: 'DEADLINE'; seq: number; at: number }
  | { type: 'RETRY' }
  | { type: 'HELLO' }
  | { type: 'END' }
  | { type: `GOTO.${string}` };

/**
 * One reaction of the call to an entry or an event: a working copy of the context plus
 * the side effects, applied in order by the machine (assign, then effects, then the one
 * event raised to move on). Node behaviour is written against this small API so that it
 * reads as the FLOW-LANGUAGE.md semantics, not as XState plumbing.
 */
export class Step {
  readonly state: CallContext;
  readonly effects: Array<() => void> = [];
  next: MachineEvent | null = null;

  constructor(
    readonly before: CallContext,
    readonly ports: CallPorts,
    readonly env: FlowEnv,
  ) {
    this.state = { ...before };
  }

  /** variables + built-ins visible to templates and conditions */
  scope(): Record<string, unknown> {
    return scopeOf(this.env, this.state);
  }

  setVar(name: string, value: unknown): void {
    if (this.state.vars === this.before.vars) this.state.vars = { ...this.before.vars };
    this.state.vars[name] = value;
    this.record({ type: 'variable.set', name, value, nodeId: this.state.node });
  }

  record(event: CallEventBody): void {
    const ports = this.ports;
    this.effects.push(() => ports.record(event));
  }

  render(template: string): string {
    try {
      return renderTemplate(template, this.scope(), { timezone: this.env.timezone });
    } catch (error) {
      this.error(error instanceof ExpressionError ? error.message : String(error));
      return template
        .replace(/\{\{[^}]*\}\}|\{%[^%]*%\}/g, '')
        .replace(/\s{2,}/g, ' ')
        .trim();
    }
  }

  say(template: string | undefined, purpose: SpeechPurpose, interruptible = this.env.defaults.interruptible): void {
    if (!template || this.state.calleeGone) return;
    const text = this.render(template);
    if (!text) return;
    const { ports } = this;
    const nodeId = this.state.node;
    this.effects.push(() => ports.say(text, nodeId, purpose, interruptible));
  }

  /** starts listening; ends the call instead when the callee is gone */
  listen(request: Omit<ListenRequest, 'nodeId'>): void {
    if (this.state.calleeGone) return this.end('callee_hung_up');
    const seq = this.state.seq + 1;
    const full: ListenRequest = { nodeId: this.state.node, ...request };
    this.state.seq = seq;
    this.state.deadline = { seq, at: null, request: full };
    const { ports } = this;
    this.effects.push(() => ports.listen(seq, full));
  }

  /** follows the outcome edge `handle` of the current node */
  follow(handle: string, fallback?: string): void {
    const from = this.state.node;
    const edge = this.env.graph.edge(from, handle) ?? (fallback ? this.env.graph.edge(from, fallback) : undefined);
    if (!edge) {
      this.error(`no edge leaves "${from}" through "${handle}"`);
      return this.end('flow_error');
    }
    this.goto(edge.to);
  }

  /** enters a node through an edge or a global: a new visit, bounded by maxVisitsPerNode */
  goto(target: string): void {
    if ((this.state.visits[target] ?? 0) >= this.env.defaults.maxVisitsPerNode) return this.end('loop_limit');
    this.state.deadline = null;
    this.next = { type: `GOTO.${target}` };
  }

  /** returns to the node a returning global interrupted: an entry, not a new visit; its counters come back */
  resume(back: NonNullable<CallContext['returnTo']>): void {
    const s = this.state;
    s.resume = true;
    s.returnTo = null;
    s.deadline = null;
    s.asks = back.asks;
    s.nodeTurns = back.nodeTurns;
    s.silences = back.silences;
    this.next = { type: `GOTO.${back.node}` };
  }

  retry(): void {
    this.next = { type: 'RETRY' };
  }

  end(disposition: string): void {
    if (this.state.disposition === null) this.state.disposition = disposition;
    this.state.deadline = null;
    this.next = { type: 'END' };
  }

  fireGlobal(global: Global): void {
    const s = this.state;
    s.cooldown = { ...s.cooldown, [global.id]: s.turns };
    this.record({ type: 'global.fired', globalId: global.id, nodeId: s.node, goto: global.goto });
    s.returnTo = global.return ? { node: s.node, asks: s.asks, nodeTurns: s.nodeTurns, silences: s.silences } : null;
    this.goto(global.goto);
  }

  /** whether a global may fire now (scope and cooldown); `turn` is the current turn number */
  globalActive(global: Global, turn = this.state.turns): boolean {
    if (global.scope && !global.scope.includes(this.state.node)) return false;
    const firedAt = this.state.cooldown[global.id];
    return firedAt === undefined || turn - firedAt > global.cooldownTurns;
  }

  error(message: string): void {
    this.record({ type: 'flow.error', nodeId: this.state.node, message });
  }
}

/** `call` as templates and conditions see it; the context's `call` never changes, so it is built once */
const callScopes = new WeakMap<CallContext['call'], Record<string, unknown>>();

/** variables + built-ins (`call`, `turn`, `meta`) visible to templates and conditions */
export function scopeOf(env: FlowEnv, context: CallContext): Record<string, unknown> {
  let call = callScopes.get(context.call);
  if (!call) {
    call = { ...context.call, startedAt: new Date(context.call.startedAt).toISOString() };
    callScopes.set(context.call, call);
  }
  return { ...context.vars, call, turn: { count: context.turns }, meta: env.flow.meta };
}

/** the context keys a step changed, for `assign` (null when nothing changed) */
export function changes(step: Step): Partial<CallContext> | null {
  let patch: Partial<CallContext> | null = null;
  for (const key in step.state) {
    const k = key as keyof CallContext;
    if (step.state[k] !== step.before[k]) ((patch ??= {}) as Record<string, unknown>)[k] = step.state[k];
  }
  return patch;
}
