import { Injectable } from '@nestjs/common';

/**
 * The time of flows: creation, saves, publishes. Millisecond precision on purpose: the keyset
 * cursors of lists carry JavaScript dates, so the stored instants must round-trip through them.
 */
@Injectable()
export class FlowsClock {
  now(): Date {
    return new Date();
  }
}
