import { Writable } from 'node:stream';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { inject } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { setupApp } from '../src/app.setup.js';
import { createLogger } from '../src/common/logging/logger.js';
import { loadConfig } from '../src/config/app-config.js';

/** Collects the JSON lines an app logs, for assertions on what reaches the log. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = chunk.toString('utf8');
    for (const line of text.split('\n').filter(Boolean)) {
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

export interface TestAppOptions {
  /** Environment on top of the test run's database (e.g. `{ REDIS_URL: 'redis://127.0.0.1:1' }`). */
  env?: Record<string, string>;
  /** Extra modules, controllers or providers next to AppModule (test-only routes). */
  extra?: Pick<ModuleMetadata, 'imports' | 'controllers' | 'providers'>;
  /** When given, the app's log lines go here (at level info) instead of nowhere. */
  logs?: LogCapture;
}

/** The real AppModule on the test run's own database, listening on no port (supertest drives it). */
export async function createTestApp({
  env = {},
  extra = {},
  logs,
}: TestAppOptions = {}): Promise<NestExpressApplication> {
  const config = loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: process.env.REDIS_URL,
    LOG_LEVEL: 'silent',
    // the campaign sweeper would plan other test files' campaigns: a test calls sweep() itself
    CAMPAIGN_SWEEP_INTERVAL_MS: '0',
    ...env,
  });
  const logger = logs ? createLogger({ level: 'info', destination: logs }) : undefined;
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register(config, { logger }), ...(extra.imports ?? [])],
    controllers: extra.controllers ?? [],
    providers: extra.providers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
  setupApp(app);
  await app.init();
  return app;
}
