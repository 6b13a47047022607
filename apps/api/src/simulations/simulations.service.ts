import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  Simulation,
  SimulationEvent,
  SimulationListening,
  SimulationRecord,
  SimulationStreamEnd,
  SimulationTurnRequest,
  SimulationTurnResponse,
  StartSimulationRequest,
} from '@switchboard/contracts';
import {
  missingInputVariables,
  validateFlow,
  type CallEvent,
  type CompiledFlow,
  type Diagnostic,
  type ListenRequest,
} from '@switchboard/flow';
import { allows, type Principal } from '../common/auth/principal.js';
import type { ErrorDetail } from '../common/errors/api-error.js';
import { FlowsService } from '../flows/flows.service.js';
import { CompiledFlows } from './compiled-flows.js';
import {
  SimulationEngine,
  SimulationStalledError,
  type SimulationSetup,
  type SimulationState,
  type SimulationTurn,
} from './simulation-engine.js';
import { SimulationEventsBus } from './simulation-events.bus.js';
import { SIMULATION_SETTINGS, type SimulationSettings } from './simulation-settings.js';
import { SimulationError } from './simulations.errors.js';
import { SimulationsRepository, type SimulationMessage, type StoredSimulation } from './simulations.repository.js';

/** The request body of a start, once validated (defaults applied). */
export type StartSimulation = Required<Omit<StartSimulationRequest, 'now'>> & { now?: string };

/** An open event stream: the events to replay, then live ones; see `SimulationsService.openStream`. */
export interface SimulationStream {
  /** the seq the client said it saw last (0: from the start) */
  afterSeq: number;
  /** events after the one the client last saw, in order */
  replay: SimulationEvent[];
  /** set when the call has already ended: send it after the replay and close */
  end: SimulationStreamEnd | null;
  /** delivers live messages (those already buffered first), each event once, in order */
  listen(onEvent: (event: SimulationEvent) => void, onEnd: (end: SimulationStreamEnd) => void): void;
  /** false once the simulation has expired */
  alive(): Promise<boolean>;
  close(): Promise<void>;
}

/** The engine's understanding and runners, as a dependency (one per app). */
export const SIMULATION_ENGINE = Symbol('SIMULATION_ENGINE');

const MAX_ERROR_DETAILS = 50;

/**
 * Text test calls of a flow over HTTP. Every simulation lives in Redis (state, the flow document
 * it runs, a lock, a tombstone): each request restores the call, applies the turn under the
 * simulation's lock, stores it back and publishes the new events — so any API replica can serve
 * any turn or event stream. Belongs to the organisation that started it; expires when idle.
 */
@Injectable()
export class SimulationsService {
  private readonly compiled = new CompiledFlows();

  constructor(
    private readonly flows: FlowsService,
    private readonly repository: SimulationsRepository,
    private readonly bus: SimulationEventsBus,
    @Inject(SIMULATION_ENGINE) private readonly engine: SimulationEngine,
    @Inject(SIMULATION_SETTINGS) private readonly settings: SimulationSettings,
  ) {}

  async start(principal: Principal, flowId: string, body: StartSimulation): Promise<Simulation> {
    if (body.httpTools && !allows(principal.roles, 'flows:write')) throw SimulationError.httpToolsForbidden();
    const resolved = await this.flows.resolveDocument(principal.organizationId, flowId, body.version);
    const validation = validateFlow(resolved.document);
    const flow = validation.flow;
    if (!validation.ok || flow === undefined) {
      throw SimulationError.flowInvalid(errorDetails(validation.diagnostics));
    }
    const missing = missingInputVariables(flow, body.variables);
    if (missing.length > 0) throw SimulationError.missingVariables(missing);
    const declared = flow.tools.map((tool) => tool.id);
    const unknownTools = Object.keys(body.tools).filter((id) => !declared.includes(id));
    if (unknownTools.length > 0) throw SimulationError.unknownTools(unknownTools, declared);

    const flowJson = JSON.stringify(flow);
    const flowHash = createHash('sha256').update(flowJson).digest('hex');
    const setup: SimulationSetup = {
      variables: body.variables,
      answeredBy: body.answeredBy,
      tools: body.tools,
      httpTools: body.httpTools,
      transfer: body.transfer,
    };
    const startedAt = new Date();
    const clockStart = body.now === undefined ? startedAt.getTime() : Date.parse(body.now);
    const state = await this.run(() => this.engine.start(this.compiled.of(flowHash, flow), setup, clockStart));

    const simulation: StoredSimulation = {
      v: 1,
      id: randomUUID(),
      organizationId: principal.organizationId,
      flowId,
      version: resolved.version ?? 'draft',
      flowHash,
      createdBy: { kind: principal.kind, id: principal.id },
      createdAt: startedAt.toISOString(),
      updatedAt: startedAt.toISOString(),
      setup,
      state,
    };
    await this.repository.create(simulation, flowJson, this.settings);
    return { ...this.view(simulation), events: withSeq(state.events, 0) };
  }

  async get(principal: Principal, id: string): Promise<Simulation> {
    const simulation = await this.load(principal, id);
    return { ...this.view(simulation), events: withSeq(simulation.state.events, 0) };
  }

  async turn(principal: Principal, id: string, body: SimulationTurnRequest): Promise<SimulationTurnResponse> {
    return this.locked(id, async (token) => {
      const simulation = await this.load(principal, id);
      const before = simulation.state;
      if (before.record !== null) throw SimulationError.ended(id, before.record.disposition);
      const compiled = await this.compiledFor(simulation);
      const state = await this.run(() => this.engine.turn(compiled, simulation.setup, before, asTurn(body)));

      const next: StoredSimulation = { ...simulation, state, updatedAt: new Date().toISOString() };
      const events = withSeq(state.events.slice(before.events.length), before.events.length);
      const messages: SimulationMessage[] = events.map((event) => ({ kind: 'event', event }));
      if (state.record !== null) messages.push({ kind: 'end', end: endOf(next, 'ended') });
      if (!(await this.repository.save(next, token, this.settings, messages))) throw SimulationError.busy(id);
      return { ...this.view(next), events };
    });
  }

  /** forgets the simulation (ending its call if it was still going); open streams get `end` */
  async remove(principal: Principal, id: string): Promise<void> {
    await this.locked(id, async (token) => {
      const simulation = await this.load(principal, id);
      const end = endOf(simulation, 'deleted');
      if (!(await this.repository.remove(simulation, token, this.settings, [{ kind: 'end', end }]))) {
        throw SimulationError.busy(id);
      }
    });
  }

  /**
   * Opens the event stream of a simulation: subscribes first, then reads the state, so no event
   * falls between the replay and the live ones (an event in both is delivered once).
   */
  async openStream(principal: Principal, id: string, afterSeq: number): Promise<SimulationStream> {
    let buffered: SimulationMessage[] = [];
    let deliver = (message: SimulationMessage) => void buffered.push(message);
    const unsubscribe = await this.bus.subscribe(id, (message) => deliver(message));
    let simulation: StoredSimulation;
    try {
      simulation = await this.load(principal, id);
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    const events = simulation.state.events;
    let lastSeq = Math.max(afterSeq, events.length);
    let ended = false;
    return {
      afterSeq,
      replay: withSeq(events.slice(afterSeq), afterSeq),
      end: simulation.state.record === null ? null : endOf(simulation, 'ended'),
      listen: (onEvent, onEnd) => {
        deliver = (message) => {
          if (ended) return;
          if (message.kind === 'end') {
            ended = true;
            onEnd(message.end);
          } else if (message.event.seq > lastSeq) {
            lastSeq = message.event.seq;
            onEvent(message.event);
          }
        };
        const pending = buffered;
        buffered = [];
        for (const message of pending) deliver(message);
      },
      alive: () => this.repository.exists(id),
      close: unsubscribe,
    };
  }

  // ------------------------------------------------------------------ internals

  /** the caller's simulation: 404 when unknown or another organisation's, 410 when it expired or was deleted */
  private async load(principal: Principal, id: string): Promise<StoredSimulation> {
    const simulation = await this.repository.find(id);
    if (simulation?.organizationId === principal.organizationId) return simulation;
    if (simulation === null) {
      const tombstone = await this.repository.findTombstone(id);
      if (tombstone?.organizationId === principal.organizationId) {
        throw SimulationError.gone(id, tombstone.reason, this.settings.idleTtlMs / 60_000);
      }
    }
    throw SimulationError.notFound(id);
  }

  private async locked<T>(id: string, work: (token: string) => Promise<T>): Promise<T> {
    const holdMs = this.settings.turnTimeoutMs + 10_000;
    const token = await this.repository.lock(id, holdMs, this.settings.lockWaitMs);
    if (token === null) throw SimulationError.busy(id);
    try {
      return await work(token);
    } finally {
      await this.repository.unlock(id, token);
    }
  }

  private async compiledFor(simulation: StoredSimulation): Promise<CompiledFlow> {
    const compiled = await this.compiled.load(simulation.flowHash, () => this.repository.findFlow(simulation.id));
    // the flow expires with the state; between the two reads it may just have done so
    if (compiled === null) throw SimulationError.gone(simulation.id, 'expired', this.settings.idleTtlMs / 60_000);
    return compiled;
  }

  private async run(work: () => Promise<SimulationState>): Promise<SimulationState> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SimulationStalledError) throw SimulationError.stalled(error.afterMs);
      throw error;
    }
  }

  private view(simulation: StoredSimulation): Omit<Simulation, 'events'> {
    const { state } = simulation;
    return {
      id: simulation.id,
      flowId: simulation.flowId,
      version: simulation.version,
      status: state.record === null ? 'active' : 'ended',
      listening: state.listening === null ? null : listeningView(state.listening),
      ...(state.record === null ? {} : { record: recordView(state.record, state.events) }),
      clock: new Date(state.clock).toISOString(),
      createdAt: simulation.createdAt,
      expiresAt: new Date(Date.parse(simulation.updatedAt) + this.settings.idleTtlMs).toISOString(),
    };
  }
}

function asTurn(body: SimulationTurnRequest): SimulationTurn {
  if (body.text !== undefined) return { text: body.text };
  if (body.dtmf !== undefined) return { dtmf: body.dtmf };
  if (body.silence) return { silence: true };
  return { hangup: true };
}

/** events numbered from `offset + 1` (a seq is an event's place in the call) */
function withSeq(events: CallEvent[], offset: number): SimulationEvent[] {
  return events.map((event, index) => ({ seq: offset + index + 1, ...event }));
}

function listeningView(request: ListenRequest): SimulationListening {
  return {
    nodeId: request.nodeId,
    input: request.input,
    captureType: request.captureType ?? null,
    timeoutMs: request.timeoutMs,
  };
}

function recordView(record: NonNullable<SimulationState['record']>, events: CallEvent[]): SimulationRecord {
  return { ...record, events };
}

function endOf(simulation: StoredSimulation, reason: SimulationStreamEnd['reason']): SimulationStreamEnd {
  const { state } = simulation;
  return { reason, disposition: state.record?.disposition ?? null, lastSeq: state.events.length };
}

function errorDetails(diagnostics: Diagnostic[]): ErrorDetail[] {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .slice(0, MAX_ERROR_DETAILS)
    .map((d) => ({
      path: d.path ? `document.${d.path}` : d.nodeId ? `document.nodes.${d.nodeId}` : 'document',
      message: `${d.code}: ${d.message}`,
    }));
}
