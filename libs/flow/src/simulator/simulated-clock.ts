import type { Clock } from '../runtime/types.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to: a 6 s no-input timeout costs microseconds.
 * Timers never fire while time is merely advanced (which may happen inside a machine
 * transition); they fire from runDue()/advanceToNextTimer(), which the simulated channel
 * calls between callee turns.
 */
export class SimulatedClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start: Date | number | string = Date.now()) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.current)) throw new RangeError(`invalid clock start: ${String(start)}`);
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, fn: () => void): () => void {
    const timer: Timer = { at, seq: this.seq++, fn };
    // keep the list ordered by time, then by creation
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.at > at) i--;
    this.timers.splice(i, 0, timer);
    return () => {
      const index = this.timers.indexOf(timer);
      if (index >= 0) this.timers.splice(index, 1);
    };
  }

  advanceBy(ms: number): void {
    this.current += Math.max(0, ms);
  }

  /** fires every timer due now, in order */
  runDue(): void {
    while (this.timers.length > 0 && this.timers[0]!.at <= this.current) {
      this.timers.shift()!.fn();
    }
  }

  /** jumps to the next timer and fires it (and any due with it); false when none is pending */
  advanceToNextTimer(): boolean {
    const next = this.timers[0];
    if (!next) return false;
    this.current = Math.max(this.current, next.at);
    this.runDue();
    return true;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
