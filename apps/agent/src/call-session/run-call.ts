import { createHash } from 'node:crypto';
import { CALL_DISPOSITIONS, type CallClaim, type CallDisposition } from '@switchboard/contracts';
import {
  type AnsweredBy,
  CallSession,
  type CallRecord,
  canonicalJson,
  compileFlow,
  type CompiledFlow,
  FlowDocumentSchema,
  HttpToolRunner,
  LocalUnderstanding,
  type OptOutRecorder,
  ScenarioToolRunner,
  scriptedCallee,
  SimulatedChannel,
  SimulatedClock,
} from '@switchboard/flow';
import { ApiRefusal, type InternalClient } from '../api/internal-client.js';
import type { Logger } from '../logger.js';
import { EventBatcher, type EventBatcherOptions } from './event-batcher.js';
import { defaultPersona } from './persona.js';

/** The payload of a `calls` job (the API's CallJob). */
export interface CallJob {
  callId: string;
  attempt: number;
}

/** How a simulated call behaves: the call's `simulation` when it has one. */
export type CallSimulation = NonNullable<CallClaim['simulation']>;

export interface RunCallDeps {
  client: InternalClient;
  logger: Logger;
  /** the lease holder's name */
  workerId: string;
  leaseSeconds?: number;
  flows?: FlowCache;
  /** real HTTP for the flow's HTTP tools; builtins are always simulated (default false) */
  httpTools?: boolean;
  batching?: EventBatcherOptions;
  /** the simulation of a claimed call; defaults to the claim's `simulation` field, else the default persona */
  simulationOf?: (claim: CallClaim) => CallSimulation | undefined;
}

export type RunCallResult =
  | { outcome: 'refused'; code: string }
  | { outcome: 'completed'; disposition: CallDisposition; flowDisposition: string; events: number };

/** Compiled machines by flow checksum: a flow version is compiled once per worker. */
export class FlowCache {
  private readonly compiled = new Map<string, CompiledFlow>();
  compilations = 0;

  constructor(private readonly max = 100) {}

  get(claim: CallClaim): { key: string; compiled: CompiledFlow } {
    const checksum = createHash('sha256').update(canonicalJson(claim.flow)).digest('hex');
    const key = `v${claim.flowVersion}:${checksum.slice(0, 16)}`;
    let compiled = this.compiled.get(key);
    if (compiled) {
      // least recently used last out
      this.compiled.delete(key);
    } else {
      compiled = compileFlow(FlowDocumentSchema.parse(claim.flow));
      this.compilations++;
      if (this.compiled.size >= this.max) this.compiled.delete(this.compiled.keys().next().value!);
    }
    this.compiled.set(key, compiled);
    return { key, compiled };
  }
}

const understanding = new LocalUnderstanding();
const DISPOSITIONS: ReadonlySet<string> = new Set(CALL_DISPOSITIONS);

/** `+14155550142` → `+1******0142`: enough to tell calls apart in logs, not to dial. */
export function maskNumber(number: string): string {
  const digits = number.replace(/\D/g, '');
  if (digits.length <= 4) return '****';
  return `${number.startsWith('+') ? '+' : ''}${digits.slice(0, 1)}${'*'.repeat(digits.length - 5)}${digits.slice(-4)}`;
}

/** The API's disposition of a finished call; the flow's own disposition travels in the `call.ended` event. */
export function apiDisposition(record: CallRecord, answeredBy: AnsweredBy): CallDisposition {
  if (record.optedOut) return 'opted_out';
  if (answeredBy !== 'human') return answeredBy === 'failed' ? 'failed' : answeredBy;
  if (DISPOSITIONS.has(record.disposition)) return record.disposition as CallDisposition;
  return 'completed';
}

function simulationFromClaim(claim: CallClaim): CallSimulation | undefined {
  return claim.simulation ?? undefined;
}

/**
 * One `calls` job: claim the attempt (a refusal ends the job: nothing is dialled and nothing
 * retried), run the pinned flow on the simulated callee, stream the events, record an opt-out
 * on the API before the call may end, and complete the call.
 */
export async function runCall(job: CallJob, deps: RunCallDeps): Promise<RunCallResult> {
  const log = deps.logger.child({ callId: job.callId, attempt: job.attempt });
  let claim: CallClaim;
  try {
    claim = await deps.client.claim(job.callId, {
      attempt: job.attempt,
      workerId: deps.workerId,
      leaseSeconds: deps.leaseSeconds ?? 900,
    });
  } catch (error) {
    if (error instanceof ApiRefusal) {
      log.info({ code: error.code, status: error.status }, 'claim refused: not dialling');
      return { outcome: 'refused', code: error.code };
    }
    throw error;
  }
  const to = maskNumber(claim.to);
  log.info({ to, flowVersion: claim.flowVersion, leaseUntil: claim.leaseUntil }, 'call claimed');

  const flows = deps.flows ?? new FlowCache();
  const { compiled } = flows.get(claim);
  const simulation = (deps.simulationOf ?? simulationFromClaim)(claim);
  const answeredBy = simulation?.answeredBy ?? 'human';
  const callee = simulation?.callee ? scriptedCallee(simulation.callee) : defaultPersona(compiled.flow);

  const events = new EventBatcher(deps.client, job.callId, deps.batching);
  let optOutFailure: unknown;
  const optOut: OptOutRecorder = {
    record: async ({ channel, words, at }) => {
      try {
        await deps.client.optOut(job.callId, {
          channel: channel === 'unknown' ? 'voice' : channel,
          words: words ?? '',
          receivedAt: at,
        });
        log.info({ to, channel }, 'opt-out recorded');
      } catch (error) {
        optOutFailure ??= error;
        log.error({ to, err: error }, 'opt-out could not be recorded');
        throw error;
      }
    },
  };

  const clock = new SimulatedClock(Date.now());
  const channel = new SimulatedChannel(clock, callee);
  const tools = new ScenarioToolRunner({}, deps.httpTools ? new HttpToolRunner() : null);
  const session = CallSession.start(compiled, {
    callId: job.callId,
    attempt: job.attempt,
    channel,
    clock,
    tools,
    understanding,
    answeredBy,
    variables: claim.variables,
    optOut,
    onEvent: (event) => events.push(event),
  });
  channel.attach(session);
  const record = await session.result;
  if (optOutFailure !== undefined) {
    // never complete a call whose opt-out the API has not recorded: the job fails loudly instead
    await events.flush().catch(() => undefined);
    throw new Error('the callee opted out and the API did not record it', { cause: optOutFailure });
  }

  const disposition = apiDisposition(record, answeredBy);
  events.push({
    type: 'call.ended',
    at: record.endedAt,
    flowDisposition: record.disposition,
    optedOut: record.optedOut,
    durationMs: record.durationMs,
  });
  try {
    await events.flush();
  } catch (error) {
    // the outcome still matters more than the event log: complete anyway
    log.warn({ err: error }, 'some call events could not be sent');
  }
  await deps.client.complete(job.callId, {
    // the flow's own disposition is shown on the call; the outcome sets its status
    disposition: record.disposition,
    outcome: disposition,
    path: record.path,
    transcript: record.transcript,
    variables: record.variables,
  });
  log.info({ to, disposition, flowDisposition: record.disposition, events: events.count }, 'call completed');
  return { outcome: 'completed', disposition, flowDisposition: record.disposition, events: events.count };
}
