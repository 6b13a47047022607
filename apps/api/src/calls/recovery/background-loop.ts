import type { Logger } from 'pino';

/**
 * A `setInterval` loop that never overlaps itself and logs one line per outage instead of one per
 * tick. The calls' recovery loops are timers, not BullMQ repeatable jobs: they must run even when
 * Redis was wiped, since rebuilding what Redis lost is one of their tasks.
 */
export class BackgroundLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failing = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Ticks once now, then every interval (an interval of 0: only when triggered). */
  start(): void {
    if (this.stopped || this.timer) return;
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => void this.trigger(), this.intervalMs);
      this.timer.unref();
    }
    void this.trigger();
  }

  /**
   * Runs a tick now; when one is running, one more runs right after it, so a trigger during a tick
   * (Redis came back while a page was being checked) is not lost.
   */
  trigger(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.tick();
          if (this.failing) this.logger.info({ loop: this.name }, 'background loop recovered');
          this.failing = false;
        } catch (error) {
          if (!this.failing) this.logger.warn({ err: error, loop: this.name }, 'background loop failed, will retry');
          this.failing = true;
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
