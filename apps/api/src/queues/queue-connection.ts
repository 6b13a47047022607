import type { Queue } from 'bullmq';

/** `work`, or a rejection naming `what` once `ms` have passed without an answer. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Rejects unless the queue's Redis connection is up: at once when it is reconnecting, within `ms`
 * when it never connected (BullMQ's client promise then stays pending until Redis answers, so it
 * is never awaited without a bound — nor at shutdown).
 */
export async function assertQueueReady(queue: Queue, ms: number): Promise<void> {
  const client = await withTimeout(queue.getBackend().client, ms, `queue ${queue.name}`);
  // a disconnected client would hold the commands until Redis returns: answer now instead
  if (client.status !== 'ready') throw new Error(`queue ${queue.name}: Redis connection is ${client.status}`);
}
