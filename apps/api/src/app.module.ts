import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ActivityModule } from './activity/activity.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CallsModule } from './calls/calls.module.js';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { ComplianceReviewModule } from './compliance-review/compliance-review.module.js';
import { ComplianceModule } from './compliance/compliance.module.js';
import { DncModule } from './dnc/dnc.module.js';
import { ZodValidationInterceptor } from './common/validation/zod-validation.interceptor.js';
import { DocsModule } from './docs/docs.module.js';
import { EditorStaticModule } from './editor/editor-static.module.js';
import { FlowsModule } from './flows/flows.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { QueuesModule } from './queues/queues.module.js';
import { SimulationsModule } from './simulations/simulations.module.js';
import type { Logger } from 'pino';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { RequestLoggingMiddleware } from './common/logging/request-logging.middleware.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { RedisModule } from './redis/redis.module.js';

@Module({})
export class AppModule implements NestModule {
  /** The whole API for one validated configuration (main.ts and the e2e tests build it the same way). */
  static register(config: AppConfig, options: { logger?: Logger; serveEditor?: boolean } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(options.logger),
        DatabaseModule,
        RedisModule,
        HealthModule,
        AuthModule,
        ActivityModule,
        FlowsModule,
        SimulationsModule,
        DncModule,
        ComplianceModule,
        ComplianceReviewModule,
        CallsModule,
        CampaignsModule,
        WebhooksModule,
        // the built editor at `/` (main.ts only: tests answer unknown paths with the API's 404)
        ...(options.serveEditor ? [EditorStaticModule] : []),
        DocsModule,
        MetricsModule,
        QueuesModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: ZodValidationInterceptor },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLoggingMiddleware).forRoutes('*path');
  }
}
