import type { CallEvent } from '@switchboard/flow';
import type { InternalClient } from '../api/internal-client.js';

export interface EventBatcherOptions {
  /** send as soon as this many events are waiting (default 20) */
  maxBatch?: number;
  /** send waiting events at most this long after the first of them (default 250 ms) */
  intervalMs?: number;
  /** the first seq (default 0) */
  firstSeq?: number;
}

export type SentEvent = { seq: number; type: string; at: string } & Record<string, unknown>;

/**
 * Numbers a call's events (seq from 0) and posts them to `/internal/calls/:id/events` in
 * batches, one request at a time and in order. The API ignores a seq it already has, so a
 * retried batch is harmless. `flush()` sends everything queued and waits for it.
 */
export class EventBatcher {
  private readonly maxBatch: number;
  private readonly intervalMs: number;
  private nextSeq: number;
  private queued: SentEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    private readonly client: InternalClient,
    private readonly callId: string,
    options: EventBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 20;
    this.intervalMs = options.intervalMs ?? 250;
    this.nextSeq = options.firstSeq ?? 0;
  }

  /** queues one event; returns its seq */
  push(event: CallEvent | ({ type: string; at: string } & Record<string, unknown>)): number {
    const seq = this.nextSeq++;
    this.queued.push({ ...event, seq });
    if (this.queued.length >= this.maxBatch) this.send();
    else this.timer ??= setTimeout(() => this.send(), this.intervalMs);
    return seq;
  }

  /** sends whatever is queued and waits until every batch is acknowledged; throws the first failure */
  async flush(): Promise<void> {
    this.send();
    await this.sending;
    if (this.failure !== undefined) throw this.failure;
  }

  /** how many events were numbered */
  get count(): number {
    return this.nextSeq;
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queued.length === 0) return;
    const batch = this.queued.splice(0, 500);
    this.sending = this.sending.then(async () => {
      try {
        await this.client.events(this.callId, { events: batch });
      } catch (error) {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      }
    });
    if (this.queued.length > 0) this.send();
  }
}
