import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/**
 * The clock of calls and campaigns: the instant the compliance gate, calling windows, deferrals
 * and retry gaps are judged at. Injectable so tests can stand at a chosen instant; CLOCK_START
 * (tests and demos, never production) shifts it so that a whole product run happens at a chosen
 * local time. Delays handed to BullMQ are differences of two readings, so they stay real.
 */
@Injectable()
export class CallsClock {
  private readonly offsetMs: number;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'clockOffsetMs'>) {
    this.offsetMs = config.clockOffsetMs;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}
