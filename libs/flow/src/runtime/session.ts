import { createActor, type Actor } from 'xstate';
import type { AnsweredBy } from '../schema/index.js';
import type { LanguageUnderstanding } from '../understanding/types.js';
import type { CallContext } from './call-context.js';
import type { CallMachine, CompiledFlow } from './compiler.js';
import { bindPorts, creatingWith, type CallEventBody, type CallPorts } from './ports.js';
import type {
  CallEvent,
  CallRecord,
  Clock,
  ListenRequest,
  OptOutRecorder,
  SpeechChannel,
  ToolRunner,
  TranscriptEntry,
} from './types.js';

export interface CallSessionOptions {
  variables?: Record<string, unknown>;
  answeredBy?: AnsweredBy;
  attempt?: number;
  callId?: string;
  channel: SpeechChannel;
  understanding: LanguageUnderstanding;
  tools: ToolRunner;
  clock: Clock;
  optOut?: OptOutRecorder;
  secrets?: Record<string, string>;
  /** every call event as it happens (transcript lines, node changes, tool calls…) */
  onEvent?: (event: CallEvent) => void;
}

/** A call frozen mid-way: the machine's persisted snapshot and the events so far (plain JSON). */
export interface PersistedCall {
  version: 1;
  snapshot: unknown;
  events: CallEvent[];
}

const noOptOut: OptOutRecorder = { record: async () => undefined };

/**
 * Runs one call of a compiled flow: binds the ports to the call's actor, turns callee input
 * into machine events, owns the timers (no-input deadline, maximum call duration) on the
 * call's clock, and assembles the call record. Timers live in the machine's context as
 * plain deadlines, so a restored call re-arms them — XState does not restore `after`
 * timers by itself.
 */
export class CallSession {
  readonly result: Promise<CallRecord>;
  private readonly actor: Actor<CallMachine>;
  private readonly events: CallEvent[];
  private readonly clock: Clock;
  private listening: { seq: number; request: ListenRequest } | null = null;
  private cancelDeadline: (() => void) | null = null;
  private cancelMaxDuration: (() => void) | null = null;
  private finished = false;

  static start(compiled: CompiledFlow, options: CallSessionOptions): CallSession {
    return new CallSession(compiled, options);
  }

  /** continues a call persisted by `persist()`, e.g. on another worker after a restart */
  static restore(compiled: CompiledFlow, persisted: PersistedCall, options: CallSessionOptions): CallSession {
    return new CallSession(compiled, options, persisted);
  }

  private constructor(
    private readonly compiled: CompiledFlow,
    private readonly options: CallSessionOptions,
    persisted?: PersistedCall,
  ) {
    this.clock = options.clock;
    this.events = persisted ? [...persisted.events] : [];
    const answeredBy = options.answeredBy ?? 'human';
    const input = {
      variables: options.variables ?? {},
      answeredBy,
      startedAt: this.clock.now(),
      ...(options.attempt !== undefined ? { attempt: options.attempt } : {}),
      ...(options.callId !== undefined ? { callId: options.callId } : {}),
    };
    const ports = this.ports();
    this.actor = creatingWith(ports, () =>
      persisted
        ? createActor(compiled.machine, { snapshot: persisted.snapshot as never, input })
        : createActor(compiled.machine, { input }),
    );
    bindPorts(this.actor.system, ports);

    let settle: (record: CallRecord) => void = () => undefined;
    this.result = new Promise<CallRecord>((resolve) => (settle = resolve));
    this.actor.subscribe({
      complete: () => settle(this.finish()),
      error: (error) => {
        this.record({ type: 'flow.error', nodeId: this.context().node, message: String(error) });
        settle(this.finish('flow_error'));
      },
    });

    if (!persisted) this.record({ type: 'call.started', answeredBy });
    this.actor.start();
    if (this.finished) return;
    const context = this.context();
    const maxAt = context.call.startedAt + compiled.env.defaults.maxCallSeconds * 1000;
    this.cancelMaxDuration = this.clock.setTimer(maxAt, () => this.actor.send({ type: 'MAX_DURATION' }));
    // a restored call that was listening listens again, with its original deadline
    const pending = context.deadline;
    if (persisted && pending)
      this.listen(pending.seq, pending.request, pending.at ?? this.clock.now() + pending.request.timeoutMs);
  }

  get done(): boolean {
    return this.finished;
  }

  /** what the call is waiting for, if it is listening */
  get listeningFor(): ListenRequest | null {
    return this.listening?.request ?? null;
  }

  sendText(text: string): void {
    if (this.finished) return;
    this.record({ type: 'callee.said', nodeId: this.context().node, text });
    this.stopListening();
    this.actor.send({ type: 'CALLEE.TEXT', text });
  }

  sendDtmf(digits: string): void {
    if (this.finished) return;
    this.record({ type: 'callee.dtmf', nodeId: this.context().node, digits });
    this.stopListening();
    this.actor.send({ type: 'CALLEE.DTMF', digits });
  }

  hangup(): void {
    if (this.finished) return;
    this.record({ type: 'callee.hung_up', nodeId: this.context().node });
    this.stopListening();
    this.actor.send({ type: 'CALLEE.HANGUP' });
  }

  persist(): PersistedCall {
    return {
      version: 1,
      snapshot: JSON.parse(JSON.stringify(this.actor.getPersistedSnapshot())),
      events: [...this.events],
    };
  }

  /** stops the call without a record (the process is going away); persist() first to continue it elsewhere */
  stop(): void {
    this.clearTimers();
    this.finished = true;
    this.actor.stop();
  }

  // ------------------------------------------------------------------ internals

  private context(): CallContext {
    return this.actor.getSnapshot().context;
  }

  private ports(): CallPorts {
    const { channel, understanding, tools, clock } = this.options;
    return {
      channel,
      understanding,
      tools,
      clock,
      optOut: this.options.optOut ?? noOptOut,
      secrets: this.options.secrets ?? {},
      record: (event) => this.record(event),
      listen: (seq, request) => this.listen(seq, request, this.clock.now() + request.timeoutMs),
      say: (text, nodeId, purpose, interruptible) => {
        this.record({ type: 'agent.said', nodeId, text, purpose });
        void channel.say(text, { nodeId, purpose, interruptible });
      },
    };
  }

  /** arms the deadline, keeps it in the machine's context (so it persists) and listens */
  private listen(seq: number, request: ListenRequest, at: number): void {
    this.cancelDeadline?.();
    this.listening = { seq, request };
    this.cancelDeadline = this.clock.setTimer(at, () => this.timeout(seq));
    this.actor.send({ type: 'DEADLINE', seq, at });
    this.options.channel.listen(request);
  }

  private timeout(seq: number): void {
    if (this.finished || this.listening?.seq !== seq) return;
    this.record({ type: 'callee.silent', nodeId: this.listening.request.nodeId });
    this.listening = null;
    this.cancelDeadline = null;
    this.actor.send({ type: 'TIMEOUT', seq });
  }

  private stopListening(): void {
    this.listening = null;
    this.cancelDeadline?.();
    this.cancelDeadline = null;
  }

  private clearTimers(): void {
    this.stopListening();
    this.cancelMaxDuration?.();
    this.cancelMaxDuration = null;
  }

  private record(body: CallEventBody): void {
    const event = { ...body, at: new Date(this.clock.now()).toISOString() } as CallEvent;
    this.events.push(event);
    this.options.onEvent?.(event);
  }

  private finish(forced?: string): CallRecord {
    this.finished = true;
    this.clearTimers();
    const context = this.context();
    const disposition = forced ?? context.disposition ?? 'completed';
    if (forced) this.record({ type: 'call.ended', disposition, nodeId: context.node });
    const startedAt = context.call.startedAt;
    const endedAt = this.clock.now();
    return {
      path: context.path,
      transcript: transcriptOf(this.events),
      variables: context.vars,
      disposition,
      optedOut: context.optedOut,
      events: this.events,
      startedAt: new Date(startedAt).toISOString(),
      endedAt: new Date(endedAt).toISOString(),
      durationMs: endedAt - startedAt,
    };
  }
}

export function transcriptOf(events: readonly CallEvent[]): TranscriptEntry[] {
  const lines: TranscriptEntry[] = [];
  for (const e of events) {
    if (e.type === 'agent.said')
      lines.push({ speaker: 'agent', text: e.text, at: e.at, nodeId: e.nodeId, kind: 'speech' });
    else if (e.type === 'callee.said')
      lines.push({ speaker: 'callee', text: e.text, at: e.at, nodeId: e.nodeId, kind: 'speech' });
    else if (e.type === 'callee.dtmf')
      lines.push({ speaker: 'callee', text: e.digits, at: e.at, nodeId: e.nodeId, kind: 'dtmf' });
    else if (e.type === 'callee.silent')
      lines.push({ speaker: 'callee', text: '', at: e.at, nodeId: e.nodeId, kind: 'silence' });
    else if (e.type === 'callee.hung_up')
      lines.push({ speaker: 'callee', text: '', at: e.at, nodeId: e.nodeId, kind: 'hangup' });
  }
  return lines;
}
