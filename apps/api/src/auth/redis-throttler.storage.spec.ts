import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/** Against the real Redis of the test machine (REDIS_URL), each test on keys of its own. */
describe('RedisThrottlerStorage', () => {
  const logger = pino({ level: 'silent' });
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    await redis.ping();
  });
  afterAll(async () => {
    await redis.quit();
  });

  const prefix = () => `switchboard:test:rate-limit:${randomBytes(6).toString('hex')}:`;

  it('counts hits in a window that expires, and blocks past the limit for the block duration', async () => {
    const storage = new RedisThrottlerStorage(redis, logger, prefix());
    const records = [];
    for (let hit = 0; hit < 4; hit += 1) records.push(await storage.increment('k', 60_000, 3, 30_000, 'default'));
    expect(records.map((record) => [record.totalHits, record.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(records[0]?.timeToExpire).toBeGreaterThan(55);
    expect(records[0]?.timeToExpire).toBeLessThanOrEqual(60);
    expect(records[3]?.timeToBlockExpire).toBeGreaterThan(25);
    expect(records[3]?.timeToBlockExpire).toBeLessThanOrEqual(30);
  });

  it('shares one count between replicas, and keeps callers apart', async () => {
    const shared = prefix();
    const replicaA = new RedisThrottlerStorage(redis, logger, shared);
    const replicaB = new RedisThrottlerStorage(redis, logger, shared);
    await replicaA.increment('caller-1', 60_000, 2, 60_000, 'default');
    await replicaB.increment('caller-1', 60_000, 2, 60_000, 'default');
    expect((await replicaA.increment('caller-1', 60_000, 2, 60_000, 'default')).isBlocked).toBe(true);
    expect((await replicaB.increment('caller-2', 60_000, 2, 60_000, 'default')).isBlocked).toBe(false);
  });

  it('lets requests through, uncounted, when Redis is unavailable', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      const storage = new RedisThrottlerStorage(down, logger, prefix());
      for (let hit = 0; hit < 3; hit += 1) {
        expect(await storage.increment('k', 60_000, 1, 60_000, 'default')).toEqual({
          totalHits: 0,
          timeToExpire: 60,
          isBlocked: false,
          timeToBlockExpire: 0,
        });
      }
    } finally {
      down.disconnect();
    }
  });
});
