import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { AppLogger, ROOT_LOGGER } from './app-logger.service.js';
import { createLogger } from './logger.js';
import { RequestLoggingMiddleware } from './request-logging.middleware.js';

@Global()
@Module({})
export class LoggingModule {
  /**
   * `logger` lets main.ts log with the same pino instance before the container exists (boot
   * failures included) and lets tests capture the lines; without it one is made from the config.
   */
  static forRoot(logger?: Logger): DynamicModule {
    const root: Provider = logger
      ? { provide: ROOT_LOGGER, useValue: logger }
      : {
          provide: ROOT_LOGGER,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => createLogger({ level: config.logLevel }),
        };
    return {
      module: LoggingModule,
      providers: [root, AppLogger, RequestLoggingMiddleware],
      exports: [ROOT_LOGGER, AppLogger, RequestLoggingMiddleware],
    };
  }
}
