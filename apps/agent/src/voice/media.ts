import type { AnsweredBy, CallSession, Clock, FlowDocument, SpeechChannel } from '@switchboard/flow';
import type { Logger } from '../logger.js';

/**
 * The telephony/media port of one call attempt, as run-call sees it: how the call was
 * answered, the speech channel and the clock the flow runs on, and the end of the call.
 * The simulated callee (run-call's default) and LiveKit (`createLiveKitMedia`) implement it.
 * This file imports no LiveKit package: run-call depends on the port, not the adapter.
 */
export interface CallMedia {
  answeredBy: AnsweredBy;
  channel: SpeechChannel;
  clock: Clock;
  /** connects the running session (callee speech, keys, hang-up reach it) */
  attach(session: CallSession): void;
  /** ends the call's media (hang-up, room deleted); idempotent, never throws */
  close(): Promise<void>;
}

export interface MediaRequest {
  callId: string;
  attempt: number;
  /** E.164 callee */
  to: string;
  /** E.164 caller id of the call */
  callerId: string;
  flow: FlowDocument;
  logger: Logger;
}

export type CallMediaFactory = (request: MediaRequest) => Promise<CallMedia>;
