/**
 * The API's BullMQ queues of a bench's throwaway database, seen from the bench process: job counts
 * and removal. Independent of the API thread, so a bench cleans Redis up even when the API is gone
 * (Ctrl-C in the middle of a request, a failed start).
 */
import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

export const redisUrl = (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The API's queue prefix for a database: `sb:` + 12 hex digits of sha256(DATABASE_URL) (apps/api calls.module.ts). */
export function queuePrefixFor(databaseUrl: string): string {
  return `sb:${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}`;
}

/** Jobs of the `calls` queue by state. */
export async function callJobCounts(databaseUrl: string): Promise<Record<string, number>> {
  const queue = new Queue('calls', { connection: { url: redisUrl() }, prefix: queuePrefixFor(databaseUrl) });
  try {
    return await queue.getJobCounts('wait', 'delayed', 'prioritized', 'active', 'completed', 'failed');
  } finally {
    await queue.close();
  }
}

/** Deletes every key under the database's prefix (all its queues); returns how many. */
export async function removeQueues(databaseUrl: string): Promise<number> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1, lazyConnect: true });
  let removed = 0;
  try {
    await redis.connect();
    const stream = redis.scanStream({ match: `${queuePrefixFor(databaseUrl)}:*`, count: 1_000 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length === 0) continue;
      removed += await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return removed;
}
