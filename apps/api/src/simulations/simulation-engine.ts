import {
  CallSession,
  HttpToolRunner,
  SimulatedChannel,
  SimulatedClock,
  isBuiltinTool,
  simulateBuiltin,
  type AnsweredBy,
  type CallEvent,
  type CallRecord,
  type Callee,
  type CalleeTurn,
  type CompiledFlow,
  type LanguageUnderstanding,
  type ListenRequest,
  type ToolCall,
  type ToolMock,
  type ToolOutcome,
  type ToolRunner,
  type TransferResult,
} from '@switchboard/flow';

/**
 * One simulated call, run a turn at a time by whichever API replica receives the turn: restore
 * the call from its JSON state, let the callee answer the one pending listen with the turn, run
 * until the agent listens again (or the call ends), and freeze it again.
 *
 * The channel, clock and timings are `@switchboard/flow`'s own `SimulatedChannel` and
 * `SimulatedClock`: a call driven turn by turn here produces the same events, at the same
 * simulated instants, as `simulateCall` (the CLI's `flow run`, the scenario tests) given the same
 * callee turns. Pure TypeScript: no Nest, no Redis.
 */

/** How a simulation was started; kept with its state, applied to every turn. */
export interface SimulationSetup {
  variables: Record<string, unknown>;
  answeredBy: AnsweredBy;
  /** mocked tool results by tool id (a list is used call after call, its last entry repeating) */
  tools: Record<string, ToolMock | ToolMock[]>;
  /** call HTTP tools that have no mock for real */
  httpTools: boolean;
  transfer: TransferResult;
}

/** A call between two turns, as plain JSON. */
export interface SimulationState {
  /** the simulated clock, ms since the epoch */
  clock: number;
  /** the machine's persisted snapshot; null once the call has ended */
  snapshot: unknown;
  /** every event so far, in order (an event's seq is its index + 1) */
  events: CallEvent[];
  /** calls made so far per mocked tool id (which entry of a list of mocks comes next) */
  toolCalls: Record<string, number>;
  /** what the agent listens for; null once the call has ended */
  listening: ListenRequest | null;
  /** the call record without its events (they are `events`); null while the call goes on */
  record: Omit<CallRecord, 'events'> | null;
}

/** One callee turn over HTTP. */
export type SimulationTurn = { text: string } | { dtmf: string } | { silence: true } | { hangup: true };

/** The call neither listened nor ended in time (a real HTTP tool that hangs, a runtime bug). */
export class SimulationStalledError extends Error {
  constructor(readonly afterMs: number) {
    super(`the simulated call neither listened nor ended within ${afterMs} ms`);
    this.name = 'SimulationStalledError';
  }
}

export interface SimulationEngineOptions {
  understanding: LanguageUnderstanding;
  /** runs HTTP tools for real when a simulation asks for it (default: fetch) */
  httpTools?: ToolRunner;
  /** real time a start or a turn may take before it is abandoned (tools may run up to 60 s each) */
  stallAfterMs?: number;
}

export class SimulationEngine {
  private readonly http: ToolRunner;
  private readonly stallAfterMs: number;

  constructor(private readonly options: SimulationEngineOptions) {
    this.http = options.httpTools ?? new HttpToolRunner();
    this.stallAfterMs = options.stallAfterMs ?? 90_000;
  }

  /** starts the call at `now` (ms) and runs it until the agent first listens, or the call ends */
  start(compiled: CompiledFlow, setup: SimulationSetup, now: number): Promise<SimulationState> {
    return this.run(compiled, setup, { clock: now, toolCalls: {} }, undefined);
  }

  /** applies one callee turn to a call that is listening, and runs it until it listens again or ends */
  async turn(
    compiled: CompiledFlow,
    setup: SimulationSetup,
    state: SimulationState,
    turn: SimulationTurn,
  ): Promise<SimulationState> {
    if (state.record !== null || state.snapshot === null) throw new Error('the simulated call has already ended');
    return this.run(compiled, setup, state, turn);
  }

  private async run(
    compiled: CompiledFlow,
    setup: SimulationSetup,
    from: Pick<SimulationState, 'clock' | 'toolCalls'> & Partial<SimulationState>,
    turn: SimulationTurn | undefined,
  ): Promise<SimulationState> {
    const clock = new SimulatedClock(from.clock);
    const callee = new TurnCallee(turn);
    const channel = new SimulatedChannel(clock, callee, setup.transfer);
    const toolCalls = { ...from.toolCalls };
    const options = {
      channel,
      clock,
      tools: new SimulationToolRunner(setup.tools, toolCalls, setup.httpTools ? this.http : null),
      understanding: this.options.understanding,
      answeredBy: setup.answeredBy,
      variables: setup.variables,
    };
    const session =
      turn === undefined
        ? CallSession.start(compiled, options)
        : CallSession.restore(compiled, { version: 1, snapshot: from.snapshot, events: from.events ?? [] }, options);
    channel.attach(session);
    try {
      if (turn !== undefined && !session.done && session.listeningFor === null) {
        throw new Error('the restored call is not listening: it cannot take a turn');
      }
      await this.settle(session, callee);
      if (session.done) {
        const { events, ...record } = await session.result;
        return { clock: clock.now(), snapshot: null, events, toolCalls, listening: null, record };
      }
      const persisted = session.persist();
      return {
        clock: clock.now(),
        snapshot: persisted.snapshot,
        events: persisted.events,
        toolCalls,
        listening: session.listeningFor,
        record: null,
      };
    } finally {
      if (!session.done) session.stop();
    }
  }

  /** waits until the callee is asked for a turn it does not have yet, or the call ends */
  private async settle(session: CallSession, callee: TurnCallee): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => {
      timer = setTimeout(() => resolve('stalled'), this.stallAfterMs);
    });
    try {
      const outcome = await Promise.race([callee.waiting, session.result.then(() => 'ended' as const), stalled]);
      if (outcome === 'stalled') throw new SimulationStalledError(this.stallAfterMs);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The callee of one HTTP turn: answers the call's pending listen with the turn, then, asked
 * again, signals that the call waits for the next turn (which a later request will bring to a
 * restored copy of the call) and never answers.
 */
class TurnCallee implements Callee {
  readonly waiting: Promise<'waiting'>;
  private signal: () => void = () => undefined;
  private pending: SimulationTurn | undefined;

  constructor(turn: SimulationTurn | undefined) {
    this.pending = turn;
    this.waiting = new Promise((resolve) => (this.signal = () => resolve('waiting')));
  }

  respond(): CalleeTurn | Promise<CalleeTurn> {
    const turn = this.pending;
    if (turn !== undefined) {
      this.pending = undefined;
      return turn;
    }
    this.signal();
    return new Promise<CalleeTurn>(() => undefined);
  }
}

/**
 * Tools in a simulation: a mock when there is one (a list is used call after call, its last entry
 * repeating, counted across turns); builtins simulated; HTTP tools called for real only when the
 * simulation asked for it, else an error naming the missing mock — a simulation never calls a
 * customer's system by surprise.
 */
export class SimulationToolRunner implements ToolRunner {
  constructor(
    private readonly mocks: Record<string, ToolMock | ToolMock[]>,
    /** updated in place: how many times each mocked tool has been called */
    private readonly calls: Record<string, number>,
    private readonly http: ToolRunner | null,
  ) {}

  async run(call: ToolCall): Promise<ToolOutcome> {
    const id = call.tool.id;
    const mock = Object.hasOwn(this.mocks, id) ? this.mocks[id] : undefined;
    if (mock !== undefined) {
      const n = this.calls[id] ?? 0;
      this.calls[id] = n + 1;
      const current = Array.isArray(mock) ? mock[Math.min(n, mock.length - 1)]! : mock;
      if ('timeout' in current) return { status: 'timeout' };
      if ('error' in current) return { status: 'error', error: current.error };
      return { status: 'success', result: current.result };
    }
    if (call.tool.kind === 'builtin') {
      return isBuiltinTool(call.tool.name)
        ? simulateBuiltin(call)
        : { status: 'error', error: `unknown builtin tool "${call.tool.name}"` };
    }
    if (this.http) return this.http.run(call);
    return {
      status: 'error',
      error:
        `HTTP tool "${id}" was not called: simulations call no real HTTP tools by default. ` +
        `Start the simulation with "tools": {"${id}": {"result": …}} to mock it, ` +
        `or with "httpTools": true (admin or designer) to call it for real.`,
    };
  }
}
