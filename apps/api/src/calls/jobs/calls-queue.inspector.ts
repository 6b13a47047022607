import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../redis/redis.module.js';
import { CALLS_QUEUE, type CallJob } from './calls.queue.js';

/** Where a job stands in Redis, as the reconciler needs to know it. */
export type JobPresence =
  | { kind: 'missing' }
  | { kind: 'pending' }
  | { kind: 'failed'; reason: string; attemptsMade: number }
  | { kind: 'completed'; returnValue: string };

/**
 * The jobs' hashes read inside Redis, answering only for the jobs that are not pending (a job
 * waiting, delayed or running is the usual answer and costs no reply): one command for a page of
 * hundreds of jobs instead of one HMGET each, which is what the API paid for (command objects,
 * promises, replies parsed) when it checked every waiting call.
 */
const INSPECT_LUA = `
local out = {}
for i = 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'name', 'finishedOn', 'failedReason', 'atm', 'returnvalue')
  if not v[1] then
    out[#out + 1] = { i, 'missing' }
  elseif v[2] then
    if v[3] then
      out[#out + 1] = { i, 'failed', v[3], v[4] or '0' }
    else
      out[#out + 1] = { i, 'completed', v[5] or '' }
    end
  end
end
return out`;

/** Sets KEYS[1] to ARGV[2] if it still holds ARGV[1] (Redis did not lose it in between). */
const COMPARE_AND_SET_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0`;

interface Script {
  lua: string;
  sha: string;
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const INSPECT = script(INSPECT_LUA);
const COMPARE_AND_SET = script(COMPARE_AND_SET_LUA);

/** Failed jobs read at most per pass (BullMQ keeps the last 10,000: `removeOnFail`). */
const FAILED_LIMIT = 10_000;

/**
 * What the queue reconciler asks Redis about the `calls` queue: which jobs exist, which failed
 * recently, and the reconciler's marker (a key of the queue's own prefix that only the reconciler
 * writes: gone means Redis lost its data, or the queue was obliterated, since it was written).
 */
@Injectable()
export class CallsQueueInspector {
  constructor(
    @InjectQueue(CALLS_QUEUE) private readonly queue: Queue<CallJob>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** Where each job stands, in one script call (the caller pages: a few hundred ids at a time). */
  async inspect(jobIds: readonly string[]): Promise<Map<string, JobPresence>> {
    const result = new Map<string, JobPresence>();
    if (jobIds.length === 0) return result;
    const answers = (await this.run(
      INSPECT,
      jobIds.map((id) => this.queue.toKey(id)),
      [],
    )) as Array<[number, 'missing' | 'failed' | 'completed', string?, string?]>;
    for (const id of jobIds) result.set(id, { kind: 'pending' });
    for (const [index, kind, first, second] of answers) {
      const id = jobIds[index - 1];
      if (id === undefined) continue;
      if (kind === 'missing') result.set(id, { kind });
      else if (kind === 'failed') result.set(id, { kind, reason: first ?? '', attemptsMade: Number(second ?? 0) });
      else result.set(id, { kind, returnValue: first ?? '' });
    }
    return result;
  }

  /**
   * The ids of the jobs that failed for good at `sinceMs` or later (the `failed` set's score is
   * when, by the clock of the worker that failed it), oldest first.
   */
  async failedSince(sinceMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.queue.toKey('failed'), Math.floor(sinceMs), '+inf', 'LIMIT', 0, FAILED_LIMIT);
  }

  async readMarker(): Promise<string | null> {
    return this.redis.get(this.markerKey());
  }

  /**
   * Drops the marker, so the next reconciler pass (on any replica) checks every waiting call: for
   * changes made to the queue from outside the calls feature (the dashboard's clean or empty).
   */
  async forgetMarker(): Promise<void> {
    await this.redis.del(this.markerKey());
  }

  async writeMarker(value: string): Promise<void> {
    await this.redis.set(this.markerKey(), value);
  }

  /** Replaces the marker only if it still reads `expected`: false when Redis lost it meanwhile. */
  async replaceMarker(expected: string, value: string): Promise<boolean> {
    return (await this.run(COMPARE_AND_SET, [this.markerKey()], [expected, value])) === 1;
  }

  /** `<prefix>:calls:reconciled`: removed with the queue's keys, never a job id (`call:…`). */
  private markerKey(): string {
    return this.queue.toKey('reconciled');
  }

  /** EVALSHA, loading the script on its first use on a Redis (a restarted one has none). */
  private async run(code: Script, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(code.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(code.lua, keys.length, ...keys, ...args);
    }
  }
}
