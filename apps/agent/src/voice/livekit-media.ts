import { randomUUID } from 'node:crypto';
import { voice } from '@livekit/agents';
import { type RemoteParticipant, Room, RoomEvent } from '@livekit/rtc-node';
import type { CallSession, SpeechChannel, TransferResult } from '@switchboard/flow';
import type { LiveKitConfig, OpenAIConfig } from '../config.js';
import { AgentSessionChannel, RealClock } from './agent-session-channel.js';
import { CALLEE_IDENTITY, LiveKitTelephony } from './livekit-telephony.js';
import type { CallMedia, CallMediaFactory, MediaRequest } from './media.js';
import { answeredByAttribute, classifyGreeting } from './sip-outcome.js';
import { createSpeechSession, startSpeech } from './speech.js';

/** A channel for a call nobody answered: the flow's start node takes its busy/no-answer edge. */
class DeadLine implements SpeechChannel {
  say(): void {}
  listen(): void {}
  async transfer(): Promise<TransferResult> {
    return 'failed';
  }
  hangup(): void {}
}

const DEFAULT_AMD_MS = 4000;

/**
 * Phone calls over LiveKit: this worker process dials the callee into a room of its own
 * (`LiveKitTelephony.dial`), joins that room as the agent and carries the flow's speech
 * through an AgentSession. See voice/README.md for why the worker joins the room itself
 * rather than dispatching a LiveKit agent for phone calls.
 */
export function createLiveKitMedia(livekit: LiveKitConfig, speech: OpenAIConfig): CallMediaFactory {
  const telephony = new LiveKitTelephony({
    url: livekit.url,
    apiKey: livekit.apiKey,
    apiSecret: livekit.apiSecret,
    ringingTimeoutSeconds: livekit.ringingTimeoutSeconds,
    ...(livekit.sipTrunkId ? { sipTrunkId: livekit.sipTrunkId } : {}),
  });
  return (request) => openPhoneCall(telephony, livekit, speech, request);
}

async function openPhoneCall(
  telephony: LiveKitTelephony,
  livekit: LiveKitConfig,
  speech: OpenAIConfig,
  request: MediaRequest,
): Promise<CallMedia> {
  const log = request.logger;
  const clock = new RealClock();
  const start = request.flow.nodes.find((node) => node.type === 'start');
  const dialled = await telephony.dial({
    callId: request.callId,
    attempt: request.attempt,
    to: request.to,
    callerId: request.callerId || livekit.callerId || '',
    // LiveKit's hard stop comes a minute after the flow's own, which may still say goodbye
    maxCallSeconds: request.flow.settings.defaults.maxCallSeconds + 60,
  });
  if (!dialled.answered) {
    log.info({ answeredBy: dialled.answeredBy, sipStatusCode: dialled.sipStatusCode }, 'the callee did not answer');
    return {
      answeredBy: dialled.answeredBy,
      channel: new DeadLine(),
      clock,
      attach: () => undefined,
      close: async () => undefined,
    };
  }

  const { room: roomName, participantIdentity } = dialled;
  const room = new Room();
  let agentSession: voice.AgentSession | undefined;
  let channel: AgentSessionChannel | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    channel?.detach();
    await agentSession?.close().catch((error: unknown) => log.warn({ err: error }, 'closing the AgentSession failed'));
    await room.disconnect().catch(() => undefined);
    await telephony
      .hangup(roomName)
      .catch((error: unknown) => log.warn({ err: error, room: roomName }, 'could not delete the room'));
  };

  try {
    const identity = `agent-${randomUUID().slice(0, 8)}`;
    await room.connect(livekit.url, await telephony.agentToken(roomName, identity), {
      autoSubscribe: true,
      dynacast: false,
    });
    const callee = await waitForParticipant(room, participantIdentity, 10_000);
    agentSession = createSpeechSession(speech);
    await startSpeech(agentSession, room, participantIdentity);

    let onHangup: (() => void) | undefined;
    const line = {
      transfer: async (to: string) => telephony.transfer(roomName, participantIdentity, to),
      hangup: close,
    };
    channel = new AgentSessionChannel(agentSession, line, log);
    const activeChannel = channel;

    room.on(RoomEvent.DtmfReceived, (_code: number, digit: string, participant: RemoteParticipant) => {
      if (participant.identity === participantIdentity) activeChannel.key(digit);
    });
    room.on(RoomEvent.ParticipantDisconnected, (participant: RemoteParticipant) => {
      if (participant.identity === participantIdentity) onHangup?.();
    });

    let answeredBy = answeredByAttribute(callee.attributes);
    if (answeredBy === undefined && start?.type === 'start' && start.amd?.enabled) {
      const greeting = await firstUtterance(agentSession, start.amd.timeoutMs ?? DEFAULT_AMD_MS);
      answeredBy = greeting === undefined ? 'human' : classifyGreeting(greeting);
      // a person's hello is the callee's first turn when the flow lets the callee speak first
      if (greeting && answeredBy === 'human' && start.firstSpeaker === 'callee') channel.preload(greeting);
      log.info({ answeredBy, heard: greeting !== undefined }, 'answering-machine check');
    }

    return {
      answeredBy: answeredBy ?? 'human',
      channel,
      clock,
      attach: (session: CallSession) => {
        activeChannel.attach(session);
        onHangup = () => session.hangup();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function waitForParticipant(room: Room, identity: string, timeoutMs: number): Promise<RemoteParticipant> {
  const present = room.remoteParticipants.get(identity);
  if (present) return Promise.resolve(present);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      room.off(RoomEvent.ParticipantConnected, joined);
      reject(new Error(`the callee ${identity} did not join the room within ${timeoutMs} ms`));
    }, timeoutMs);
    const joined = (participant: RemoteParticipant) => {
      if (participant.identity !== identity) return;
      clearTimeout(timer);
      room.off(RoomEvent.ParticipantConnected, joined);
      resolve(participant);
    };
    room.on(RoomEvent.ParticipantConnected, joined);
  });
}

/** the callee's first final transcript, or undefined after `timeoutMs` of nothing */
async function firstUtterance(session: voice.AgentSession, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const done = (text: string | undefined) => {
      clearTimeout(timer);
      session.off(voice.AgentSessionEventTypes.UserInputTranscribed, heard);
      resolve(text);
    };
    const heard = (event: voice.UserInputTranscribedEvent) => {
      if (event.isFinal && event.transcript.trim()) done(event.transcript.trim());
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    session.on(voice.AgentSessionEventTypes.UserInputTranscribed, heard);
  });
}

export { CALLEE_IDENTITY };
