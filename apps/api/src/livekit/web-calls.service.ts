import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CreateWebCallBody, WebCall, WebCallDispatch } from '@switchboard/contracts';
import type { Logger } from 'pino';
import type { Principal } from '../common/auth/principal.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { FlowsService } from '../flows/flows.service.js';
import { FlowError } from '../flows/flows.errors.js';
import { LIVEKIT_CLIENTS, type LiveKitClients, twirpReason } from './livekit.clients.js';
import { LiveKitError } from './livekit.errors.js';

/** how long a browser's token lets it join (it stays in the room once joined) */
export const WEB_CALL_TOKEN_SECONDS = 600;
/** an unused or abandoned web-call room closes after this long empty */
const EMPTY_ROOM_SECONDS = 120;

/**
 * Web calls: a room per call, the call agent dispatched into it (LiveKit explicit dispatch to
 * LIVEKIT_AGENT_NAME) with the flow to run, and a token for the designer's browser. The flow
 * is resolved here, with the caller's organisation: another organisation's flow is a 404 and
 * the agent never reads the database.
 */
@Injectable()
export class WebCallsService {
  constructor(
    @Inject(LIVEKIT_CLIENTS) private readonly livekit: LiveKitClients | null,
    private readonly flows: FlowsService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async create(principal: Principal, flowId: string, body: CreateWebCallBody): Promise<WebCall> {
    const livekit = this.livekit;
    if (!livekit) throw LiveKitError.notConfigured();
    const { document, version } = await this.resolve(principal, flowId, body);

    const room = `web-${randomUUID()}`;
    const identity = `designer-${principal.id.slice(0, 8)}-${randomUUID().slice(0, 6)}`;
    const dispatch: WebCallDispatch = {
      kind: 'web',
      flowId,
      version,
      draft: version === null,
      organizationId: principal.organizationId,
      identity,
      flow: document,
    };
    let dispatchId: string;
    try {
      await livekit.rooms.createRoom({
        name: room,
        emptyTimeout: EMPTY_ROOM_SECONDS,
        maxParticipants: 3,
        metadata: JSON.stringify({ kind: 'web', flowId, version, organizationId: principal.organizationId }),
      });
      const created = await livekit.dispatch.createDispatch(room, livekit.settings.agentName, {
        metadata: JSON.stringify(dispatch),
      });
      dispatchId = created.id;
    } catch (error) {
      const reason = twirpReason(error);
      if (reason === undefined) throw error;
      this.logger.warn({ room, flowId, reason }, 'LiveKit refused a web call');
      await livekit.rooms.deleteRoom(room).catch(() => undefined);
      throw LiveKitError.unavailable(reason);
    }
    const token = await livekit.participantToken(room, identity, principal.label ?? 'Designer', WEB_CALL_TOKEN_SECONDS);
    this.logger.info({ room, flowId, version, dispatchId }, 'web call created');
    return {
      url: livekit.settings.publicUrl,
      room,
      token,
      identity,
      expiresAt: new Date(Date.now() + WEB_CALL_TOKEN_SECONDS * 1000).toISOString(),
      flowId,
      version,
      dispatchId,
    };
  }

  /** the draft, the given version, or the latest published one */
  private async resolve(principal: Principal, flowId: string, body: CreateWebCallBody) {
    if (body.draft) return this.flows.resolveDocument(principal.organizationId, flowId, 'draft');
    let version = body.version;
    if (version === undefined) {
      const flow = await this.flows.get(principal, flowId);
      if (flow.latestVersion === null) throw FlowError.notPublished(flowId);
      version = flow.latestVersion;
    }
    return this.flows.resolveDocument(principal.organizationId, flowId, version);
  }
}
