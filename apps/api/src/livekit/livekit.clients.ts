import { AccessToken, AgentDispatchClient, RoomServiceClient, TwirpError } from 'livekit-server-sdk';
import type { AppConfig } from '../config/app-config.js';

/** Injection token of the LiveKit server clients; null when LiveKit is not configured. */
export const LIVEKIT_CLIENTS = Symbol('LIVEKIT_CLIENTS');

export type LiveKitSettings = NonNullable<AppConfig['livekit']>;

/** LiveKit's server API (Twirp over HTTP, each request signed with the API secret). */
export class LiveKitClients {
  readonly rooms: RoomServiceClient;
  readonly dispatch: AgentDispatchClient;

  constructor(readonly settings: LiveKitSettings) {
    this.rooms = new RoomServiceClient(settings.url, settings.apiKey, settings.apiSecret);
    this.dispatch = new AgentDispatchClient(settings.url, settings.apiKey, settings.apiSecret);
  }

  /** A participant token for one room: join, publish the microphone, hear the agent. */
  async participantToken(room: string, identity: string, name: string, ttlSeconds: number): Promise<string> {
    const token = new AccessToken(this.settings.apiKey, this.settings.apiSecret, { identity, name, ttl: ttlSeconds });
    token.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
    return token.toJwt();
  }
}

/** a LiveKit answer (Twirp error) as words for the caller; anything else is rethrown by the caller */
export function twirpReason(error: unknown): string | undefined {
  if (error instanceof TwirpError) return `${error.code ?? error.status} ${error.message}`;
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return 'the LiveKit server cannot be reached';
  return undefined;
}
