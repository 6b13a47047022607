import type { TransferResult } from '@switchboard/flow';
import {
  AccessToken,
  AgentDispatchClient,
  RoomServiceClient,
  ServerError,
  SipCallError,
  SipClient,
} from 'livekit-server-sdk';
import { transferResultOf, unansweredBy, type UnansweredBy } from './sip-outcome.js';

export interface LiveKitTelephonyOptions {
  /** ws(s):// or http(s):// of the LiveKit server (the SDK turns ws into http for its API calls) */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** outbound trunk (`ST_…`); dialling refuses without it */
  sipTrunkId?: string;
  /** how long the callee's phone rings before the dial counts as no answer */
  ringingTimeoutSeconds?: number;
  /** seconds an empty room lives (the callee and the agent both gone) */
  emptyTimeoutSeconds?: number;
}

export interface DialRequest {
  callId: string;
  attempt: number;
  /** E.164 */
  to: string;
  /** E.164 caller id presented to the callee */
  callerId: string;
  /** the call's maximum duration: LiveKit SIP hangs up past it, whatever the agent does */
  maxCallSeconds?: number;
}

export type DialResult =
  | {
      answered: true;
      room: string;
      /** the SIP participant's identity in the room */
      participantIdentity: string;
      sipCallId: string;
    }
  | { answered: false; room: string; answeredBy: UnansweredBy; sipStatusCode?: number; reason: string };

/** The callee's identity in a call's room. */
export const CALLEE_IDENTITY = 'callee';

/** A call attempt's room: one per attempt, so a retry never joins the previous attempt's room. */
export function roomNameOf(callId: string, attempt: number): string {
  return `call-${callId}-a${attempt}`;
}

/**
 * Telephony over LiveKit's server APIs (Twirp over HTTP): a room per call attempt, the callee
 * dialled into it over the outbound SIP trunk, transfers with SIP REFER, hang-up by deleting
 * the room (which disconnects every participant, the SIP leg included).
 */
export class LiveKitTelephony {
  readonly rooms: RoomServiceClient;
  readonly sip: SipClient;
  readonly dispatch: AgentDispatchClient;

  constructor(private readonly options: LiveKitTelephonyOptions) {
    this.rooms = new RoomServiceClient(options.url, options.apiKey, options.apiSecret);
    this.sip = new SipClient(options.url, options.apiKey, options.apiSecret);
    this.dispatch = new AgentDispatchClient(options.url, options.apiKey, options.apiSecret);
  }

  get url(): string {
    return this.options.url;
  }

  /**
   * Creates the attempt's room and dials the callee into it, waiting until they answer. A dial
   * that does not connect deletes the room and says how it ended (busy, no answer, failed);
   * an error talking to LiveKit itself (auth, network, unknown trunk) is thrown. The attempt was
   * claimed by then, so runCall fails it (completed `failed`, `worker_error`) and its job is not
   * retried: a retry's claim would be refused. Whether to call again is the campaign's retry policy.
   */
  async dial(request: DialRequest): Promise<DialResult> {
    const sipTrunkId = this.options.sipTrunkId;
    if (!sipTrunkId) throw new Error('LIVEKIT_SIP_TRUNK_ID is not set: phone calls cannot be dialled');
    const room = roomNameOf(request.callId, request.attempt);
    await this.rooms.createRoom({
      name: room,
      emptyTimeout: this.options.emptyTimeoutSeconds ?? 60,
      departureTimeout: 10,
      maxParticipants: 4,
      metadata: JSON.stringify({ callId: request.callId, attempt: request.attempt, kind: 'phone' }),
    });
    try {
      const participant = await this.sip.createSipParticipant(sipTrunkId, request.to, room, {
        participantIdentity: CALLEE_IDENTITY,
        participantName: 'Callee',
        fromNumber: request.callerId,
        waitUntilAnswered: true,
        ringingTimeout: this.options.ringingTimeoutSeconds ?? 30,
        ...(request.maxCallSeconds ? { maxCallDuration: request.maxCallSeconds } : {}),
        krispEnabled: true,
        participantAttributes: { callId: request.callId, attempt: String(request.attempt) },
      });
      return {
        answered: true,
        room,
        participantIdentity: participant.participantIdentity || CALLEE_IDENTITY,
        sipCallId: participant.sipCallId,
      };
    } catch (error) {
      if (error instanceof SipCallError) {
        await this.hangup(room).catch(() => undefined);
        const sipStatusCode = error.sipStatusCode;
        return {
          answered: false,
          room,
          answeredBy: unansweredBy(sipStatusCode),
          ...(sipStatusCode !== undefined ? { sipStatusCode } : {}),
          reason: error.message,
        };
      }
      await this.hangup(room).catch(() => undefined);
      throw error;
    }
  }

  /** Transfers the callee (SIP REFER) to `to` (E.164 or a `sip:`/`tel:` URI). */
  async transfer(room: string, participantIdentity: string, to: string): Promise<TransferResult> {
    const target = /^(sip|tel):/i.test(to) ? to : `tel:${to}`;
    try {
      await this.sip.transferSipParticipant(room, participantIdentity, target, {
        playDialtone: true,
        ringingTimeout: this.options.ringingTimeoutSeconds ?? 30,
      });
      return 'connected';
    } catch (error) {
      if (error instanceof SipCallError) return transferResultOf(error.sipStatusCode);
      if (error instanceof ServerError) return 'failed';
      throw error;
    }
  }

  /** Ends the call for everyone in the room; a room already gone is fine. */
  async hangup(room: string): Promise<void> {
    try {
      await this.rooms.deleteRoom(room);
    } catch (error) {
      if (error instanceof ServerError && error.code === 'not_found') return;
      throw error;
    }
  }

  /** Removes one participant (the callee after a warm transfer, or the agent) without ending the room. */
  async removeParticipant(room: string, identity: string): Promise<void> {
    try {
      await this.rooms.removeParticipant(room, identity);
    } catch (error) {
      if (error instanceof ServerError && error.code === 'not_found') return;
      throw error;
    }
  }

  /** A token for the agent itself to join `room` (publish its voice, hear the callee, see DTMF). */
  async agentToken(room: string, identity: string, ttlSeconds = 3600): Promise<string> {
    const token = new AccessToken(this.options.apiKey, this.options.apiSecret, {
      identity,
      name: 'Switchboard agent',
      ttl: ttlSeconds,
      attributes: { 'lk.agent': 'true' },
    });
    token.kind = 'agent';
    token.addGrant({
      room,
      roomJoin: true,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: true,
      agent: true,
    });
    return token.toJwt();
  }
}
