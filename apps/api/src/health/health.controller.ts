import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type HealthReport, HealthService } from './health.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when Postgres and Redis answer, 503 naming the one that does not. */
  @Get()
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503);
    res.setHeader('cache-control', 'no-store');
    return report;
  }
}
