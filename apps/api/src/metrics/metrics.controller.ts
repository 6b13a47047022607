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
        description: 'Process metrics, `http_requests_total` and `http_request_duration_seconds` by route template',
        contentType: 'text/plain',
      },
    },
  })
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.setHeader('content-type', this.metrics.contentType);
    return this.metrics.render();
  }
}
