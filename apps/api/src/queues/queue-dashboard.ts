import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ActivityService, actorOf } from '../activity/activity.service.js';
import { CallsQueueInspector } from '../calls/jobs/calls-queue.inspector.js';
import { CALLS_QUEUE } from '../calls/jobs/calls.queue.js';
import type { Principal } from '../common/auth/principal.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { DASHBOARD_PATH, DashboardAccess } from './dashboard-access.js';
import { DashboardQueueAdapter } from './dashboard-queue.adapter.js';
import { assertQueueReady } from './queue-connection.js';
import { QueueRegistry } from './queue-registry.js';
import { QUEUES_CONFIG, type QueuesConfig } from './queues.config.js';
import { QueuesError } from './queues.errors.js';

/** How long the board's JSON routes wait for Redis before answering 503. */
export const DASHBOARD_REDIS_TIMEOUT_MS = 1_000;
/** A board request still unanswered after this long (Redis gone in the middle) gets a 503. */
export const DASHBOARD_REQUEST_TIMEOUT_MS = 10_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * The board loads everything from here (its page also links a Google font: blocked, the browser
 * falls back to a local one, and an admin's visit is not announced to another origin); it is never
 * framed, and it posts no form.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
/** `POST …/add` and `PATCH …/update-data`: the board would add or overwrite job data. */
const JOB_EDITING = /^\/api\/queues\/[^/]+\/(add|[^/]+\/update-data)\/?$/;

/**
 * The queue dashboard (bull-board) at `/admin/queues`: every queue of the API, for installation
 * admins only. Mounted on the Express instance when the module initialises (before the API's 404
 * handler); each request is authorised first (DashboardAccess: a Bearer credential or the sealed
 * cookie), so nothing of the board, not even its HTML, reaches anyone else; refusals and errors
 * go to the API's exception filter and leave in the API's error shape.
 *
 * Changes (retry, promote, clean, pause…) are refused when the dashboard is read-only, and when a
 * cookie-authenticated request does not come from the dashboard's own origin; adding or editing a
 * job is always refused; every change made is written to the activity log of the admin's
 * organisation.
 */
@Injectable()
export class QueueDashboard implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly registry: QueueRegistry,
    private readonly access: DashboardAccess,
    private readonly activity: ActivityService,
    private readonly callsQueue: CallsQueueInspector,
    @Inject(QUEUES_CONFIG) private readonly config: QueuesConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter as { use(path: string, handler: RequestHandler): unknown } | undefined;
    // an application context without HTTP (the CLI): nothing to mount
    if (!http) return;
    const board = new ExpressAdapter();
    board.setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: this.registry
        .queues()
        .map((queue) => new DashboardQueueAdapter(queue, { readOnlyMode: this.config.readOnly })),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'Switchboard queues' } },
    });
    // bull-board's own 500 answer carries the stack: rethrown, the error reaches the API's filter
    // (logged with an errorId, answered in the API's error shape)
    board.setErrorHandler((error: Error) => {
      throw error;
    });
    const router = board.getRouter() as RequestHandler;
    http.use(DASHBOARD_PATH, (req: Request, res: Response, next: NextFunction) => {
      this.serve(req, res, next, router).catch(next);
    });
    if (!this.config.cookieKeyConfigured) {
      this.logger.warn(
        'QUEUES_DASHBOARD_SECRET is not set: dashboard cookies are sealed under a key of this process only ' +
          '(they stop working on restart and on other replicas)',
      );
    }
  }

  private async serve(req: Request, res: Response, next: NextFunction, board: RequestHandler): Promise<void> {
    const { principal, viaCookie } = await this.access.authorizeRequest(req);
    const change = !SAFE_METHODS.has(req.method);
    if (change) {
      if (viaCookie && !isSameOrigin(req)) throw QueuesError.crossSite();
      if (this.config.readOnly) throw QueuesError.readOnly();
      if (JOB_EDITING.test(req.path)) throw QueuesError.jobEditingRefused();
    }
    if (req.path.startsWith('/api/')) {
      try {
        await Promise.all(this.registry.queues().map((queue) => assertQueueReady(queue, DASHBOARD_REDIS_TIMEOUT_MS)));
      } catch {
        throw QueuesError.redisUnavailable();
      }
      this.answerWithin(req, res, next);
    }
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-security-policy', DASHBOARD_CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    if (change) this.recordWhenDone(req, res, principal);
    board(req, res, next);
  }

  /** Redis may go away after the check: the request is answered 503 rather than left hanging. */
  private answerWithin(_req: Request, res: Response, next: NextFunction): void {
    const timer = setTimeout(() => {
      if (!res.headersSent) next(QueuesError.redisUnavailable());
    }, DASHBOARD_REQUEST_TIMEOUT_MS);
    timer.unref();
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
  }

  private recordWhenDone(req: Request, res: Response, principal: Principal): void {
    // e.g. `calls/retry/failed`, `calls/call:…:1/clean`, `pause` (every queue)
    const operation = req.path.replace(/^\/api\/queues\/?/, '').replace(/\/$/, '');
    const queue = operation.split('/')[0] ?? '';
    const subjectId = this.registry.names().includes(decodeURIComponent(queue)) ? decodeURIComponent(queue) : '*';
    res.once('finish', () => {
      if (res.statusCode >= 400) return;
      if (subjectId === CALLS_QUEUE || subjectId === '*') {
        // a job removed by hand leaves no sign the reconciler sees: make its next pass a full one
        this.callsQueue.forgetMarker().catch((error: unknown) => {
          this.logger.warn({ err: error }, 'the calls reconciler could not be told of a dashboard change');
        });
      }
      this.activity
        .record({
          organizationId: principal.organizationId,
          actor: actorOf(principal),
          action: 'queue.changed',
          subjectType: 'queue',
          subjectId,
          details: { method: req.method, operation },
        })
        .catch((error: unknown) => {
          this.logger.error(
            { err: error, operation },
            'a queue dashboard change could not be written to the activity log',
          );
        });
    });
  }
}

/**
 * Whether a cookie-carrying change comes from a page of this origin. SameSite=Strict already keeps
 * the cookie off other sites' requests; this also refuses a sibling subdomain (same site, other
 * origin). Browsers send `Sec-Fetch-Site`, else `Origin`, with every fetch that changes something.
 */
export function isSameOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const forwarded = req.headers['x-forwarded-host'];
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded?.split(',')[0])?.trim() ?? req.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
