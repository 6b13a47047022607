import { createHash } from 'node:crypto';
import { CALL_DISPOSITIONS, type CallClaim, type CallDisposition, simulatedAnswer } from '@switchboard/contracts';
import {
  type AnsweredBy,
  type Callee,
  CallSession,
  type CallRecord,
  canonicalJson,
  compileFlow,
  type CompiledFlow,
  FlowDocumentSchema,
  HttpToolRunner,
  type LanguageUnderstanding,
  LocalUnderstanding,
  type OptOutRecorder,
  ScenarioToolRunner,
  scriptedCallee,
  SimulatedChannel,
  SimulatedClock,
} from '@switchboard/flow';
import { ApiRefusal, type InternalClient } from '../api/internal-client.js';
import { grantedLeaseSeconds, LeaseKeeper, renewalIntervalMs } from './lease.js';
import type { Logger } from '../logger.js';
import type { CallMedia, CallMediaFactory } from '../voice/media.js';
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
  /** real telephony (LiveKit, voice/livekit-media.ts); without it calls go to the simulated callee */
  media?: CallMediaFactory;
  /** understanding of callee turns; default the local, deterministic one */
  understanding?: LanguageUnderstanding;
  /** real time the simulated callee takes before each turn (ms); default 0 */
  simulatedTurnDelayMs?: number;
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

/** A callee that thinks `delayMs` of real time before each turn (the simulated clock is not moved). */
function pausing(callee: Callee, delayMs: number): Callee {
  if (delayMs <= 0) return callee;
  return {
    respond: async (request) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return callee.respond(request);
    },
  };
}

/** the simulated callee as call media: the default when no telephony is configured */
function simulatedMedia(callee: Callee, answeredBy: AnsweredBy): CallMedia {
  const clock = new SimulatedClock(Date.now());
  const channel = new SimulatedChannel(clock, callee);
  return { answeredBy, channel, clock, attach: (session) => channel.attach(session), close: async () => undefined };
}

function simulationFromClaim(claim: CallClaim): CallSimulation | undefined {
  return claim.simulation ?? undefined;
}

/** The claim answered 409 CALL_PACED: nothing changed; the job waits until `retryAt` (same id, no attempt used). */
export class ClaimPaced extends Error {
  constructor(readonly retryAt: Date) {
    super(`the campaign is at its pacing limit: retry at ${retryAt.toISOString()}`);
    this.name = 'ClaimPaced';
  }
}

/**
 * A failure after the claim succeeded. The attempt may have been dialled, so its job must never
 * be retried (the worker fails it unrecoverably). `completed`: the call was completed `failed`
 * on the API; otherwise its lease runs out and the API's sweeper ends it `worker_lost`.
 */
export class AttemptFailed extends Error {
  constructor(
    message: string,
    readonly completed: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AttemptFailed';
  }
}

/** The callee opted out and the API could not record it: the call must not be completed. */
class OptOutNotRecorded extends Error {
  constructor(cause: unknown) {
    super('the callee opted out and the API did not record it', { cause });
    this.name = 'OptOutNotRecorded';
  }
}

/** When a paced claim may be tried again: the `retryAt` detail, else a short wait. */
function retryAtOf(refusal: ApiRefusal): Date {
  const details = Array.isArray(refusal.details)
    ? (refusal.details as Array<{ path?: unknown; message?: unknown }>)
    : [];
  const retryAt = details.find((detail) => detail.path === 'retryAt')?.message;
  const at = typeof retryAt === 'string' ? Date.parse(retryAt) : Number.NaN;
  return new Date(Number.isFinite(at) ? at : Date.now() + 5_000);
}

/**
 * One `calls` job: claim the attempt, then play it. Before the claim succeeded nothing was dialled:
 * a refusal (4xx) ends the job without retry, CALL_PACED throws `ClaimPaced`, and a transient
 * failure (API or Postgres unreachable, 5xx, network) is thrown as is for BullMQ to retry with
 * back-off. After it, the lease is renewed every third of it while the call runs, and any failure
 * is an `AttemptFailed` (never retried).
 */
export async function runCall(job: CallJob, deps: RunCallDeps): Promise<RunCallResult> {
  const log = deps.logger.child({ callId: job.callId, attempt: job.attempt });
  let claim: CallClaim;
  try {
    claim = await deps.client.claim(job.callId, {
      attempt: job.attempt,
      workerId: deps.workerId,
      ...(deps.leaseSeconds !== undefined ? { leaseSeconds: deps.leaseSeconds } : {}),
    });
  } catch (error) {
    if (error instanceof ApiRefusal && error.code === 'CALL_PACED') throw new ClaimPaced(retryAtOf(error));
    if (error instanceof ApiRefusal) {
      log.info({ code: error.code, status: error.status }, 'claim refused: not dialling');
      return { outcome: 'refused', code: error.code };
    }
    throw error;
  }
  const lease = new LeaseKeeper(
    deps.client,
    job.callId,
    job.attempt,
    deps.workerId,
    renewalIntervalMs(grantedLeaseSeconds(claim)),
    log,
  ).start();
  try {
    return await playCall(job, deps, claim, log, lease.lost);
  } catch (error) {
    throw await failAttempt(job, deps, log, error, lease.lost);
  } finally {
    lease.stop();
  }
}

/**
 * After a failure of a claimed attempt: complete the call `failed` (disposition `worker_error`)
 * when that is still right and possible. Not when the lease was lost (the attempt is not ours) nor
 * when an opt-out could not be recorded (completing would hide it: the sweeper ends the call).
 */
async function failAttempt(
  job: CallJob,
  deps: RunCallDeps,
  log: Logger,
  error: unknown,
  leaseLost: AbortSignal,
): Promise<AttemptFailed> {
  const message = error instanceof Error ? error.message : String(error);
  if (leaseLost.aborted) return new AttemptFailed(`lease lost, call stopped: ${message}`, false, { cause: error });
  if (error instanceof OptOutNotRecorded) return new AttemptFailed(message, false, { cause: error });
  try {
    // the events sent so far stay on the call; what the session held in memory is lost with it
    await deps.client.complete(job.callId, {
      disposition: 'worker_error',
      outcome: 'failed',
      path: [],
      transcript: [],
      variables: {},
    });
    log.error({ err: error }, 'call failed after its claim: completed failed');
    return new AttemptFailed(`call failed after its claim (completed failed): ${message}`, true, { cause: error });
  } catch (completeError) {
    log.error(
      { err: error, completeError },
      'call failed after its claim and could not be completed: the lease will run out',
    );
    return new AttemptFailed(`call failed after its claim (not completed): ${message}`, false, { cause: error });
  }
}

/**
 * The claimed attempt: run the pinned flow on the call's media (the simulated callee without
 * telephony), stream the events, record an opt-out on the API before the call may end, and
 * complete the call. A lost lease hangs up.
 */
async function playCall(
  job: CallJob,
  deps: RunCallDeps,
  claim: CallClaim,
  log: Logger,
  leaseLost: AbortSignal,
): Promise<RunCallResult> {
  const to = maskNumber(claim.to);
  log.info({ to, flowVersion: claim.flowVersion, leaseUntil: claim.leaseUntil }, 'call claimed');

  const flows = deps.flows ?? new FlowCache();
  const { compiled } = flows.get(claim);
  const simulation = (deps.simulationOf ?? simulationFromClaim)(claim);
  const answeredBy = simulatedAnswer(simulation, job.attempt);
  const callee = pausing(
    simulation?.callee ? scriptedCallee(simulation.callee) : defaultPersona(compiled.flow),
    deps.simulatedTurnDelayMs ?? 0,
  );

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

  const media = deps.media
    ? await deps.media({
        callId: job.callId,
        attempt: job.attempt,
        to: claim.to,
        callerId: claim.callerId,
        flow: compiled.flow,
        logger: log,
      })
    : simulatedMedia(callee, answeredBy);
  const tools = new ScenarioToolRunner({}, deps.httpTools ? new HttpToolRunner() : null);
  const session = CallSession.start(compiled, {
    callId: job.callId,
    attempt: job.attempt,
    channel: media.channel,
    clock: media.clock,
    tools,
    understanding: deps.understanding ?? understanding,
    answeredBy: media.answeredBy,
    variables: claim.variables,
    optOut,
    onEvent: (event) => events.push(event),
  });
  media.attach(session);
  // the attempt is not ours any more: end the conversation now (the media closes with it); the
  // lease may have been lost already while the media was dialling (a phone rings for a while)
  if (leaseLost.aborted) session.hangup();
  else leaseLost.addEventListener('abort', () => session.hangup(), { once: true });
  const record = await session.result.finally(() => media.close());
  if (leaseLost.aborted) throw new Error('the lease was lost during the call: not completing it');
  if (optOutFailure !== undefined) {
    // never complete a call whose opt-out the API has not recorded: the job fails loudly instead
    await events.flush().catch(() => undefined);
    throw new OptOutNotRecorded(optOutFailure);
  }

  const disposition = apiDisposition(record, media.answeredBy);
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
