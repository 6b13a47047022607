import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS_CLIENT } from '../redis/redis.module.js';

export const HEALTH_CHECK_TIMEOUT_MS = 1_000;

export type CheckResult = { status: 'up'; latencyMs: number } | { status: 'down'; latencyMs: number; error: string };

export interface HealthReport {
  status: 'ok' | 'error';
  checks: { postgres: CheckResult; redis: CheckResult };
}

class CheckTimeoutError extends Error {}

async function timed(probe: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { status: 'up', latencyMs: elapsed() };
  } catch (error) {
    return { status: 'down', latencyMs: elapsed(), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the API can reach what it needs; every probe is bounded, so the answer always comes quickly. */
@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async check(timeoutMs = HEALTH_CHECK_TIMEOUT_MS): Promise<HealthReport> {
    const [postgres, redis] = await Promise.all([
      timed(() => this.dataSource.query('SELECT 1'), timeoutMs),
      timed(() => this.redis.ping(), timeoutMs),
    ]);
    const status = postgres.status === 'up' && redis.status === 'up' ? 'ok' : 'error';
    return { status, checks: { postgres, redis } };
  }
}
