import { Injectable } from '@nestjs/common';

/** The time, as a dependency: session expiry and key usage read it here. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
