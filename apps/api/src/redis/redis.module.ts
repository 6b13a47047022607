import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

export function createRedisClient(url: string, logger: Logger): Redis {
  const client = new Redis(url, {
    connectionName: 'switchboard-api',
    connectTimeout: 2_000,
    // A command waits through one reconnect at most, then fails: callers see Redis being down
    // instead of piling up behind it.
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 250, 5_000),
  });
  let reported = false;
  client.on('error', (error: Error) => {
    // ioredis emits an error per failed reconnect; one line per outage is enough.
    if (!reported) logger.warn({ err: error }, 'redis unreachable, reconnecting');
    reported = true;
  });
  client.on('ready', () => {
    if (reported) logger.info('redis connection restored');
    reported = false;
  });
  return client;
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) => createRedisClient(config.redisUrl, logger),
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') {
      await this.redis.quit();
    } else {
      this.redis.disconnect();
    }
  }
}
