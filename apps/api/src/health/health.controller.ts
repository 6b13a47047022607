import { Controller, Get, Res } from '@nestjs/common';
import { HealthReportSchema } from '@switchboard/contracts';
import type { Response } from 'express';
import { Public } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { type HealthReport, HealthService } from './health.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when Postgres and Redis answer, 503 naming the one that does not. */
  @Get()
  @Public()
  @Route({
    summary: 'Health of the API and what it depends on',
    tags: ['ops'],
    responses: {
      200: { description: 'Postgres and Redis answer', schema: HealthReportSchema },
      503: { description: 'Postgres or Redis does not answer (named in checks)', schema: HealthReportSchema },
    },
  })
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503);
    res.setHeader('cache-control', 'no-store');
    return report;
  }
}
