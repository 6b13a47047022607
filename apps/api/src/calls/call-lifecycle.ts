import { Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { CallEntity } from './call.entity.js';

/** Why an attempt reached a final status: the worker completed it, a gate blocked it, it was lost… */
export type AttemptEnd = 'completed' | 'blocked' | 'cancelled' | 'failed' | 'lost';

/** A listener of finished attempts (campaigns schedule the next attempt, metrics count). */
export type AttemptFinishedListener = (call: CallEntity, how: AttemptEnd) => Promise<void>;

/**
 * The calls feature's one extension point: whoever ends an attempt (completion, dial-time block,
 * cancellation, the lease sweeper) calls `finished`, and every listener runs in order. A listener's
 * error is logged and does not undo the call's own transition: listeners must be idempotent and
 * have their own recovery (the campaign planner re-plans contacts left behind).
 */
@Injectable()
export class CallLifecycle {
  private readonly listeners: AttemptFinishedListener[] = [];

  onFinished(listener: AttemptFinishedListener): void {
    this.listeners.push(listener);
  }

  async finished(call: CallEntity, how: AttemptEnd, logger?: Logger): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(call, how);
      } catch (error) {
        logger?.error({ err: error, callId: call.id, how }, 'a listener of finished calls failed');
      }
    }
  }
}
