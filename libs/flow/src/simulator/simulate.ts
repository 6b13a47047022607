import { compileFlow, type CompiledFlow } from '../runtime/compiler.js';
import { CallSession } from '../runtime/session.js';
import type {
  CallEvent,
  CallRecord,
  ListenRequest,
  OptOutRecorder,
  SpeechChannel,
  ToolRunner,
  TransferResult,
} from '../runtime/types.js';
import type { AnsweredBy, CalleeTurn, FlowDocument } from '../schema/index.js';
import { LocalUnderstanding } from '../understanding/index.js';
import type { LanguageUnderstanding } from '../understanding/types.js';
import { SimulatedClock } from './simulated-clock.js';
import { HttpToolRunner, ScenarioToolRunner } from './tools.js';

/** The other end of a simulated call. `undefined` is silence. */
export interface Callee {
  respond(request: ListenRequest): CalleeTurn | undefined | Promise<CalleeTurn | undefined>;
}

/** A callee that answers from a list, one turn each time the agent listens; then silence. */
export function scriptedCallee(turns: readonly CalleeTurn[]): Callee {
  let next = 0;
  return { respond: () => turns[next++] };
}

export interface SimulateOptions {
  variables?: Record<string, unknown>;
  answeredBy?: AnsweredBy;
  callee: Callee;
  /** defaults to scenario-style tools: builtins simulated, HTTP tools real only with httpTools */
  tools?: ToolRunner;
  httpTools?: boolean;
  /** the result of every transfer (default connected) */
  transfer?: TransferResult;
  /** the simulated clock's start (default: now) */
  now?: Date | string | number;
  understanding?: LanguageUnderstanding;
  optOut?: OptOutRecorder;
  secrets?: Record<string, string>;
  onEvent?: (event: CallEvent) => void;
}

/** Roughly how long speech takes on a phone line: 2.5 words a second, 0.6 s minimum. */
export function speakingMs(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return Math.max(600, Math.round((words / 2.5) * 1000));
}
const CALLEE_LATENCY_MS = 700;
const KEY_PRESS_MS = 300;
const TRANSFER_RING_MS = 8000;

/**
 * A text speech channel on a simulated clock: the agent's lines take speaking time; the
 * callee answers each listen from `Callee`; silence jumps the clock to the deadline.
 */
export class SimulatedChannel implements SpeechChannel {
  private session: CallSession | null = null;
  private listens = 0;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly callee: Callee,
    private readonly transferResult: TransferResult = 'connected',
  ) {}

  attach(session: CallSession): void {
    this.session = session;
  }

  say(text: string): void {
    this.clock.advanceBy(speakingMs(text));
  }

  listen(request: ListenRequest): void {
    const listen = ++this.listens;
    // answer after the machine has finished its current step
    queueMicrotask(() => void this.answer(request, listen).catch((error) => this.fail(error)));
  }

  async transfer(): Promise<TransferResult> {
    this.clock.advanceBy(TRANSFER_RING_MS);
    return this.transferResult;
  }

  hangup(): void {}

  private current(listen: number): boolean {
    return listen === this.listens && this.session !== null && !this.session.done;
  }

  private async answer(request: ListenRequest, listen: number): Promise<void> {
    const turn = await this.callee.respond(request);
    if (!this.current(listen)) return;
    const session = this.session!;
    if (turn === undefined || (typeof turn === 'object' && 'silence' in turn)) {
      // nobody speaks: time runs to the next deadline (no-input, or the call's maximum)
      while (this.current(listen) && this.clock.advanceToNextTimer());
      return;
    }
    if (typeof turn === 'object' && 'hangup' in turn) return session.hangup();
    if (typeof turn === 'object' && 'dtmf' in turn) {
      this.clock.advanceBy(KEY_PRESS_MS * turn.dtmf.length);
      this.clock.runDue();
      if (this.current(listen)) session.sendDtmf(turn.dtmf);
      return;
    }
    const text = typeof turn === 'string' ? turn : turn.text;
    this.clock.advanceBy(CALLEE_LATENCY_MS);
    this.clock.runDue();
    if (!this.current(listen)) return;
    session.sendText(text);
    this.clock.advanceBy(speakingMs(text));
  }

  /** a callee that throws (an interactive terminal that closed, a broken script) hangs up */
  private fail(_error: unknown): void {
    if (this.session && !this.session.done) this.session.hangup();
  }
}

/** Thrown by an interactive callee whose input has ended. */
export class CalleeGone extends Error {
  constructor() {
    super('the callee is gone');
  }
}

const compiled = new WeakMap<FlowDocument, CompiledFlow>();

/** the compiled machine of a flow document, compiled once per document object */
export function compiledFlow(flow: FlowDocument): CompiledFlow {
  let result = compiled.get(flow);
  if (!result) compiled.set(flow, (result = compileFlow(flow)));
  return result;
}

const localUnderstanding = new LocalUnderstanding();

/** Runs one simulated call to its end and returns its record. */
export function simulateCall(flow: FlowDocument, options: SimulateOptions): Promise<CallRecord> {
  const clock = new SimulatedClock(options.now ?? Date.now());
  const channel = new SimulatedChannel(clock, options.callee, options.transfer ?? 'connected');
  const tools = options.tools ?? new ScenarioToolRunner({}, options.httpTools ? new HttpToolRunner() : null);
  const session = CallSession.start(compiledFlow(flow), {
    channel,
    clock,
    tools,
    understanding: options.understanding ?? localUnderstanding,
    answeredBy: options.answeredBy ?? 'human',
    variables: options.variables ?? {},
    ...(options.optOut ? { optOut: options.optOut } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  channel.attach(session);
  return session.result;
}
