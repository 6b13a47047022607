import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { MetricsService } from './metrics.service.js';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Open like /health: scrapers carry no credentials; keep the port off the public network. */
  @Get()
  @Public()
  @Header('cache-control', 'no-store')
  @Route({
    summary: 'Prometheus metrics of this API process',
    tags: ['ops'],
    responses: {
      200: {
        description:
          'Process metrics; `http_requests_total` and `http_request_duration_seconds` by route template; ' +
          '`switchboard_calls{status,disposition}`, `switchboard_calls_finished_total`, ' +
          '`switchboard_call_attempt_latency_seconds` (queued → dialling), ' +
          '`switchboard_compliance_decisions_total{outcome,reason,mode}`, `switchboard_queue_jobs{queue,state}`, ' +
          '`switchboard_queue_oldest_waiting_age_seconds{queue}` and the scrape-error counters. ' +
          'Series Postgres or Redis cannot give in time are left out; the answer never waits on them.',
        contentType: 'text/plain',
      },
    },
  })
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.setHeader('content-type', this.metrics.contentType);
    return this.metrics.render();
  }
}
