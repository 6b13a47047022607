import { Global, Module } from '@nestjs/common';
import { CallMetrics } from './call-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';

/**
 * `GET /metrics` (Prometheus) and the MetricsService every module may inject to register its own
 * counters, gauges and histograms; `CallMetrics` (calls by status and disposition, attempt
 * latency). Global, so features need not import it.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsRepository, CallMetrics],
  exports: [MetricsService, CallMetrics],
})
export class MetricsModule {}
