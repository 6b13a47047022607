import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { REDIS_CLIENT } from '../redis/redis.module.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { Clock } from './clock.js';
import { Credentials } from './credentials.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { PasswordHasher } from './password-hasher.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';

/**
 * Tenancy and access: organisations, members, sessions, API keys, and the two global guards —
 * authentication/authorization first, then the per-caller rate limit (which needs the caller;
 * counted in Redis, so that all replicas share one limit).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, REDIS_CLIENT, ROOT_LOGGER],
      useFactory: (config: AppConfig, redis: Redis, logger: Logger) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: Math.max(config.rateLimitPerMinute, 1) }],
        skipIf: () => config.rateLimitPerMinute === 0,
        storage: new RedisThrottlerStorage(redis, logger, config.rateLimitKeyPrefix),
      }),
    }),
  ],
  controllers: [AuthController, MembersController, ApiKeysController],
  providers: [
    Clock,
    Credentials,
    PasswordHasher,
    UsersRepository,
    SessionsRepository,
    ApiKeysRepository,
    OrganizationsRepository,
    AuthService,
    MembersService,
    ApiKeysService,
    OrganizationsService,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [AuthService, OrganizationsService, ApiKeysService, MembersService],
})
export class AuthModule {}
