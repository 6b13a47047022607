import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** What @nestjs/throttler expects back (times in seconds). */
export interface ThrottlerRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * One fixed window per key: the first hit starts it, every hit counts. Past the limit the caller
 * is blocked until the window (or the block, when longer) ends. Atomic, so replicas that share
 * the Redis share the count.
 */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
local blocked = redis.call('PTTL', KEYS[2])
if blocked < 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return {hits, ttl, blocked}`;

/** How long a request waits for Redis before it is let through uncounted. */
const REDIS_BUDGET_MS = 250;

/**
 * Rate-limit counters in Redis, so that every API replica enforces one limit per caller. Fails
 * open: with Redis down or slow, requests are served (uncounted) rather than refused or delayed —
 * the limit protects the API, it must not become the reason it is down.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private warned = false;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly prefix: string,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    const counter = `${this.prefix}${key}`;
    if (this.redis.status !== 'ready') return this.open(ttl, `redis is ${this.redis.status}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = (await Promise.race([
        this.redis.eval(INCREMENT, 2, counter, `${counter}:blocked`, ttl, limit, Math.max(blockDuration, 1)),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_BUDGET_MS} ms`)), REDIS_BUDGET_MS);
        }),
      ])) as [number, number, number];
      this.warned = false;
      const [totalHits, windowMs, blockMs] = result;
      const isBlocked = blockMs > 0;
      return {
        totalHits,
        timeToExpire: Math.ceil(windowMs / 1000),
        isBlocked,
        timeToBlockExpire: isBlocked ? Math.ceil(blockMs / 1000) : 0,
      };
    } catch (error) {
      return this.open(ttl, error instanceof Error ? error.message : String(error), throttlerName);
    } finally {
      clearTimeout(timer);
    }
  }

  private open(ttl: number, reason: string, throttlerName = 'default'): ThrottlerRecord {
    if (!this.warned) {
      this.logger.warn({ reason, throttler: throttlerName }, 'rate limit not enforced: redis unavailable');
      this.warned = true;
    }
    return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
  }
}
