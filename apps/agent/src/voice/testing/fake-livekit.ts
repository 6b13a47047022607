import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenVerifier } from 'livekit-server-sdk';

/**
 * A LiveKit server's HTTP API as the server SDK sees it: Twirp over JSON on
 * `/twirp/livekit.<Service>/<Method>`, each request authorised by a JWT signed with the API
 * secret whose grants must cover the method (the same checks LiveKit makes), Twirp errors
 * `{code, msg, meta}` with their HTTP statuses, and SIP dial failures carrying
 * `meta.sip_status_code` the way livekit-sip reports them. No media: answered calls add a
 * participant record to the room.
 */

/** How a dialled number behaves. */
export type FakePhone =
  { answer: true; attributes?: Record<string, string> } | { answer: false; sipStatusCode: number; sipStatus: string };

export const PHONES = {
  answers: { answer: true } as FakePhone,
  busy: { answer: false, sipStatusCode: 486, sipStatus: 'Busy Here' } as FakePhone,
  noAnswer: { answer: false, sipStatusCode: 480, sipStatus: 'Temporarily Unavailable' } as FakePhone,
  declined: { answer: false, sipStatusCode: 603, sipStatus: 'Decline' } as FakePhone,
};

export interface FakeRoom {
  sid: string;
  name: string;
  emptyTimeout: number;
  maxParticipants: number;
  metadata: string;
  participants: Map<string, { identity: string; kind: 'sip' | 'agent'; attributes: Record<string, string> }>;
}

export interface RecordedRequest {
  service: string;
  method: string;
  body: Record<string, unknown>;
  /** the verified JWT's claims */
  claims: Record<string, unknown>;
}

interface VideoGrant {
  roomCreate?: boolean;
  roomAdmin?: boolean;
  room?: string;
}

class TwirpFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly meta?: Record<string, string>,
  ) {
    super(message);
  }
}

const HTTP_STATUS: Record<string, number> = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  deadline_exceeded: 408,
  already_exists: 409,
  failed_precondition: 412,
  resource_exhausted: 429,
  internal: 500,
  unavailable: 503,
};

export interface FakeLiveKitOptions {
  apiKey: string;
  apiSecret: string;
  /** the outbound trunk id that exists (default `ST_fake`) */
  sipTrunkId?: string;
}

export class FakeLiveKit {
  readonly rooms = new Map<string, FakeRoom>();
  readonly requests: RecordedRequest[] = [];
  readonly dispatches: { id: string; room: string; agentName: string; metadata: string }[] = [];
  readonly transfers: { room: string; participantIdentity: string; transferTo: string }[] = [];
  /** requests refused for their credentials, by reason */
  readonly refused: string[] = [];
  /** numbers → behaviour; unknown numbers answer */
  readonly phones = new Map<string, FakePhone>();
  /** transfer targets → SIP failure; unknown targets accept the REFER */
  readonly transferFailures = new Map<string, { sipStatusCode: number; sipStatus: string }>();
  readonly sipTrunkId: string;
  private readonly verifier: TokenVerifier;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    options: FakeLiveKitOptions,
  ) {
    this.verifier = new TokenVerifier(options.apiKey, options.apiSecret);
    this.sipTrunkId = options.sipTrunkId ?? 'ST_fake';
  }

  static async start(options: FakeLiveKitOptions): Promise<FakeLiveKit> {
    let fake: FakeLiveKit | undefined = undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeLiveKit(server, `http://127.0.0.1:${port}`, options);
    return fake;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  calls(service: string, method: string): RecordedRequest[] {
    return this.requests.filter((r) => r.service === service && r.method === method);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const match = /^\/twirp\/livekit\.(\w+)\/(\w+)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match)
        throw new TwirpFailure('bad_route', `no handler for ${req.method} ${req.url}`);
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
        throw new TwirpFailure('malformed', 'content-type must be application/json');
      const claims = await this.authenticate(req);
      const raw = await readBody(req);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw || '{}') as Record<string, unknown>;
      } catch {
        throw new TwirpFailure('malformed', 'the body is not JSON');
      }
      const [, service, method] = match as unknown as [string, string, string];
      this.requests.push({ service, method, body, claims });
      const answer = this.route(service, method, body, claims);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    } catch (error) {
      const failure =
        error instanceof TwirpFailure ? error : new TwirpFailure('internal', String((error as Error).message));
      const status = HTTP_STATUS[failure.code] ?? 500;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ code: failure.code, msg: failure.message, ...(failure.meta ? { meta: failure.meta } : {}) }),
        );
    }
  }

  private async authenticate(req: IncomingMessage): Promise<Record<string, unknown>> {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (!token) {
      this.refused.push('no token');
      throw new TwirpFailure('unauthenticated', 'authorization header is missing');
    }
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      this.refused.push(`invalid token: ${(error as Error).message}`);
      throw new TwirpFailure('unauthenticated', 'invalid token: signature or issuer does not verify');
    }
  }

  private route(
    service: string,
    method: string,
    body: Record<string, unknown>,
    claims: Record<string, unknown>,
  ): unknown {
    const video = (claims.video ?? {}) as VideoGrant;
    const sip = (claims.sip ?? {}) as { call?: boolean; admin?: boolean };
    const roomAdmin = (room: unknown) => {
      if (!video.roomAdmin || video.room !== room) this.deny(`roomAdmin for room ${String(room)}`);
    };
    const key = `${service}/${method}`;
    switch (key) {
      case 'RoomService/CreateRoom': {
        if (!video.roomCreate) this.deny('roomCreate');
        const name = requireString(body, 'name');
        const existing = this.rooms.get(name);
        const room: FakeRoom = existing ?? {
          sid: `RM_${randomUUID().slice(0, 12)}`,
          name,
          emptyTimeout: Number(body.emptyTimeout ?? 300),
          maxParticipants: Number(body.maxParticipants ?? 0),
          metadata: typeof body.metadata === 'string' ? body.metadata : '',
          participants: new Map(),
        };
        this.rooms.set(name, room);
        return roomJson(room);
      }
      case 'RoomService/DeleteRoom': {
        if (!video.roomCreate) this.deny('roomCreate');
        const name = requireString(body, 'room');
        if (!this.rooms.delete(name)) throw new TwirpFailure('not_found', 'requested room does not exist');
        return {};
      }
      case 'RoomService/RemoveParticipant': {
        const name = requireString(body, 'room');
        roomAdmin(name);
        const room = this.rooms.get(name);
        const identity = requireString(body, 'identity');
        if (!room?.participants.delete(identity)) throw new TwirpFailure('not_found', 'participant does not exist');
        return {};
      }
      case 'SIP/CreateSIPParticipant': {
        if (!sip.call) this.deny('sip.call');
        const trunk = requireString(body, 'sipTrunkId');
        if (trunk !== this.sipTrunkId) throw new TwirpFailure('not_found', `SIP trunk ${trunk} does not exist`);
        const to = requireString(body, 'sipCallTo');
        const roomName = requireString(body, 'roomName');
        const identity = requireString(body, 'participantIdentity');
        const room = this.rooms.get(roomName);
        if (!room) throw new TwirpFailure('not_found', 'requested room does not exist');
        const phone = this.phones.get(to) ?? PHONES.answers;
        if (!phone.answer) {
          throw new TwirpFailure(phone.sipStatusCode === 486 ? 'unavailable' : 'deadline_exceeded', 'call failed', {
            sip_status_code: String(phone.sipStatusCode),
            sip_status: phone.sipStatus,
          });
        }
        const attributes = {
          ...((body.participantAttributes as Record<string, string> | undefined) ?? {}),
          ...(phone.attributes ?? {}),
          'sip.callStatus': 'active',
          'sip.phoneNumber': to,
        };
        room.participants.set(identity, { identity, kind: 'sip', attributes });
        return {
          participantId: `PA_${randomUUID().slice(0, 12)}`,
          participantIdentity: identity,
          roomName,
          sipCallId: `SCL_${randomUUID().slice(0, 12)}`,
        };
      }
      case 'SIP/TransferSIPParticipant': {
        if (!sip.call) this.deny('sip.call');
        const roomName = requireString(body, 'roomName');
        roomAdmin(roomName);
        const participantIdentity = requireString(body, 'participantIdentity');
        const transferTo = requireString(body, 'transferTo');
        if (!/^(sip|tel):/.test(transferTo))
          throw new TwirpFailure('invalid_argument', 'transferTo must be a sip: or tel: URI');
        const room = this.rooms.get(roomName);
        if (!room?.participants.has(participantIdentity))
          throw new TwirpFailure('not_found', 'participant does not exist');
        const failure = this.transferFailures.get(transferTo);
        if (failure) {
          throw new TwirpFailure('unavailable', 'transfer failed', {
            sip_status_code: String(failure.sipStatusCode),
            sip_status: failure.sipStatus,
          });
        }
        this.transfers.push({ room: roomName, participantIdentity, transferTo });
        // the transferred callee leaves the room once the far end accepted the REFER
        room.participants.delete(participantIdentity);
        return {};
      }
      case 'AgentDispatchService/CreateDispatch': {
        const roomName = requireString(body, 'room');
        roomAdmin(roomName);
        const agentName = requireString(body, 'agentName');
        const metadata = typeof body.metadata === 'string' ? body.metadata : '';
        const dispatch = { id: `AD_${randomUUID().slice(0, 12)}`, room: roomName, agentName, metadata };
        this.dispatches.push(dispatch);
        return { ...dispatch, state: { createdAt: String(Date.now() * 1_000_000) } };
      }
      default:
        throw new TwirpFailure('bad_route', `no handler for ${key}`);
    }
  }

  private deny(grant: string): never {
    this.refused.push(`missing grant ${grant}`);
    throw new TwirpFailure('permission_denied', `the token does not grant ${grant}`);
  }
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new TwirpFailure('invalid_argument', `${field} is required`);
  return value;
}

function roomJson(room: FakeRoom): Record<string, unknown> {
  return {
    sid: room.sid,
    name: room.name,
    emptyTimeout: room.emptyTimeout,
    maxParticipants: room.maxParticipants,
    creationTime: String(Math.floor(Date.now() / 1000)),
    metadata: room.metadata,
    numParticipants: room.participants.size,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
