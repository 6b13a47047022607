import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  type QueueDashboardSession,
  QueueDashboardSessionSchema,
  type QueuesOverview,
  QueuesOverviewSchema,
} from '@switchboard/contracts';
import type { Request, Response } from 'express';
import { CurrentPrincipal, type Principal, Public } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { DASHBOARD_PATH, DashboardAccess } from './dashboard-access.js';
import { QueueMetrics } from './queue-metrics.js';

const WHO =
  'Only admins (role `admin`) of an installation admin organisation (`ADMIN_ORGANIZATION_IDS`, else the organisation created first).';

/**
 * The queue dashboard's API routes: the browser session that opens `/admin/queues` (bull-board,
 * mounted by QueueDashboard), and the same numbers as JSON for scripts.
 */
@Controller('v1/admin/queues')
export class QueuesController {
  constructor(
    private readonly access: DashboardAccess,
    private readonly metrics: QueueMetrics,
  ) {}

  @Post('session')
  @HttpCode(200)
  @Route({
    summary: 'Open the queue dashboard in this browser',
    description:
      `${WHO} Sets the \`sb_queues\` cookie (HttpOnly, SameSite=Strict, Path=/admin/queues) that lets a ` +
      'browser navigate to `/admin/queues`: the bull-board dashboard of every queue of the API (calls, ' +
      'calls-dead-letter, webhooks, dnc-import), with its JSON under `/admin/queues/api/…`. The cookie seals the ' +
      'credential of this request and ends with it (logout, expiry, revoked key) or after ' +
      '`QUEUES_DASHBOARD_COOKIE_TTL_MINUTES`. `/admin/queues` also accepts `Authorization: Bearer …` directly. ' +
      'Job data is shown with phone numbers masked.',
    tags: ['ops'],
    responses: {
      200: { description: 'the cookie is set', schema: QueueDashboardSessionSchema },
      401: { description: 'no valid credential' },
      403: { description: 'not an admin, or not of an installation admin organisation' },
    },
  })
  async openSession(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<QueueDashboardSession> {
    await this.access.authorize(principal);
    const expiresAt = this.access.issueCookie(req, res);
    return { path: DASHBOARD_PATH, expiresAt: expiresAt.toISOString() };
  }

  @Delete('session')
  @Public()
  @HttpCode(204)
  @Route({
    summary: 'Close the queue dashboard in this browser',
    description: 'Clears the `sb_queues` cookie (no credential needed: it only removes what this browser holds).',
    tags: ['ops'],
    responses: { 204: { description: 'the cookie is cleared' } },
  })
  closeSession(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    this.access.clearCookie(req, res);
  }

  @Get()
  @Route({
    summary: 'Every queue of the API: jobs per state and the oldest waiting age',
    description:
      `${WHO} Read from Redis now; a queue whose Redis does not answer within a second is listed in ` +
      '`unavailable`. `counts.paused` is the number of waiting jobs a paused queue holds (0 when it runs).',
    tags: ['ops'],
    responses: {
      200: { description: 'the queues', schema: QueuesOverviewSchema },
      401: { description: 'no valid credential' },
      403: { description: 'not an admin, or not of an installation admin organisation' },
    },
  })
  async overview(@CurrentPrincipal() principal: Principal): Promise<QueuesOverview> {
    await this.access.authorize(principal);
    const { queues, unavailable } = await this.metrics.read();
    return {
      queues: queues.map((queue) => ({
        name: queue.name,
        counts: { ...queue.counts, paused: queue.paused ? queue.counts.waiting : 0 },
        oldestWaitingAgeSeconds: queue.oldestWaitingAgeSeconds,
      })),
      unavailable,
    };
  }
}
