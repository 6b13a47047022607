import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { setupApp } from './app.setup.js';
import { AppLogger } from './common/logging/app-logger.service.js';
import { createLogger } from './common/logging/logger.js';
import { ConfigError, loadConfig } from './config/app-config.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const root = createLogger({ level: config.logLevel });
  const logger = new AppLogger(root);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, { logger: root, serveEditor: true }),
    {
      logger,
    },
  );
  setupApp(app);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const shownHost = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
  logger.log(`API listening on http://${shownHost}:${config.port} (health: /health)`, 'Bootstrap');
  if (config.clockOffsetMs !== 0) {
    root.warn(
      { clockOffsetMs: config.clockOffsetMs, callsClockNow: new Date(Date.now() + config.clockOffsetMs).toISOString() },
      'CLOCK_START is set: calls and campaigns are judged on a shifted clock (tests and demos only)',
    );
  }
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
