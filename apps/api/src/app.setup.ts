import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppLogger } from './common/logging/app-logger.service.js';

/** What main.ts and the e2e tests both do to an app created from AppModule. */
export function setupApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(AppLogger));
  app.disable('x-powered-by');
  return app;
}
