import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
  at: number;
}

export type FakeHandler = (
  request: RecordedRequest,
) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

/** A stand-in for the API's /internal routes on 127.0.0.1:<random port>, recording every request. */
export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  url = '';

  constructor(public handler: FakeHandler) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  routes(): string[] {
    return this.requests.map((request) => request.path.split('/').at(-1) ?? '');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      at: Date.now(),
    };
    this.requests.push(request);
    try {
      const answer = await this.handler(request);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    } catch {
      res.destroy();
    }
  }
}

export const apiError = (
  status: number,
  code: string,
  message = code,
  details?: { path: string; message: string }[],
) => ({
  status,
  body: { error: { code, message, ...(details ? { details } : {}), requestId: 'req-test' } },
});

/** The API's answer to a claim of a campaign at its maxConcurrent (CallError.paced). */
export const pacedUntil = (retryAt: Date) =>
  apiError(409, 'CALL_PACED', `its campaign is at maxConcurrent; retry at ${retryAt.toISOString()}`, [
    { path: 'retryAt', message: retryAt.toISOString() },
  ]);

/** A 5xx: the API is up but Postgres is not (the worker treats it as transient). */
export const unavailable = () => apiError(503, 'SERVICE_UNAVAILABLE', 'the database is unreachable');

export interface FakeCallState {
  claimed: boolean;
  /** the workerId of the granted claim */
  holder?: string;
  events: Map<number, unknown>;
  optOuts: unknown[];
  completed: unknown;
  /** lease renewals accepted */
  renewals: number;
}

export interface PlainApiOptions {
  token: string;
  flow: unknown;
  variables?: Record<string, unknown>;
  /** answers the claim with this refusal instead */
  refuseClaim?: { status: number; code: string };
  /**
   * answers to the first claim requests (any call), one per request, before claims are granted
   * (e.g. `pacedUntil(…)`, `unavailable()`)
   */
  claimScript?: { status: number; body: unknown }[];
  /** the lease the claim grants (default: 900 s, only as `leaseUntil`, like an older API) */
  leaseSeconds?: number;
  /** refuses renewals (409 CALL_LEASE_LOST) after this many were accepted */
  loseLeaseAfter?: number;
  simulation?: unknown;
}

/** Answers like the API's internal routes, with the checks the API makes (token, seq, claim before events). */
export function plainApi(options: PlainApiOptions): { handler: FakeHandler; calls: Map<string, FakeCallState> } {
  const calls = new Map<string, FakeCallState>();
  const claimScript = [...(options.claimScript ?? [])];
  const handler: FakeHandler = (request) => {
    if (request.authorization !== `Bearer ${options.token}`) return apiError(401, 'UNAUTHENTICATED');
    const match = /^\/internal\/calls\/([^/]+)\/([a-z-]+)$/.exec(request.path);
    if (!match || request.method !== 'POST') return apiError(404, 'NOT_FOUND');
    const [, id = '', route] = match;
    const body = request.body as Record<string, unknown>;
    let state = calls.get(id);
    if (route === 'claim') {
      const scripted = claimScript.shift();
      if (scripted) return scripted;
      if (options.refuseClaim) return apiError(options.refuseClaim.status, options.refuseClaim.code);
      if (state?.claimed) return apiError(409, 'CALL_ALREADY_CLAIMED');
      state = {
        claimed: true,
        holder: String(body.workerId),
        events: new Map(),
        optOuts: [],
        completed: undefined,
        renewals: 0,
      };
      calls.set(id, state);
      return {
        status: 200,
        body: {
          id,
          attempt: body.attempt,
          to: '+14155550142',
          callerId: '+18005550100',
          leaseUntil: new Date(Date.now() + (options.leaseSeconds ?? 900) * 1000).toISOString(),
          ...(options.leaseSeconds !== undefined ? { leaseSeconds: options.leaseSeconds } : {}),
          flowVersion: 3,
          flow: options.flow,
          variables: options.variables ?? {},
          decision: { outcome: 'ALLOW', reasons: [], ruleSetVersion: 'test' },
          ...(options.simulation ? { simulation: options.simulation } : {}),
        },
      };
    }
    if (route === 'lease') {
      // like the API: only the holder of a live attempt renews
      if (!state?.claimed || state.completed || state.holder !== body.workerId) {
        return apiError(409, 'CALL_LEASE_LOST');
      }
      if (options.loseLeaseAfter !== undefined && state.renewals >= options.loseLeaseAfter) {
        return apiError(409, 'CALL_LEASE_LOST', 'the lease ran out and the sweeper ended the call');
      }
      state.renewals++;
      const leaseSeconds = options.leaseSeconds ?? 900;
      return {
        status: 200,
        body: { leaseUntil: new Date(Date.now() + leaseSeconds * 1000).toISOString(), leaseSeconds },
      };
    }
    if (!state?.claimed || state.completed) return apiError(409, 'CALL_NOT_CLAIMED');
    if (route === 'events') {
      let accepted = 0;
      for (const event of body.events as { seq: number }[]) {
        if (!state.events.has(event.seq)) accepted++;
        state.events.set(event.seq, event);
      }
      return { status: 200, body: { accepted, lastSeq: Math.max(...state.events.keys()) } };
    }
    if (route === 'opt-out') {
      state.optOuts.push(body);
      return { status: 200, body: { revocationId: 'rev-1', internalDncEntryId: 'dnc-1' } };
    }
    if (route === 'complete') {
      state.completed = body;
      const now = new Date().toISOString();
      return {
        status: 200,
        body: {
          id,
          status: 'completed',
          to: '+1******0142',
          callerId: '+18005550100',
          flowId: '00000000-0000-4000-8000-000000000001',
          flowVersion: 3,
          purpose: 'INFORMATIONAL',
          subject: null,
          variables: body.variables,
          attempt: 1,
          decisionIds: [],
          lastDecision: null,
          scheduledFor: null,
          disposition: body.disposition,
          path: body.path,
          transcript: body.transcript,
          events: [],
          createdAt: now,
          updatedAt: now,
          completedAt: now,
          failureReason: null,
          campaignId: null,
          contactId: null,
        },
      };
    }
    return apiError(404, 'NOT_FOUND');
  };
  return { handler, calls };
}
