import { Injectable } from '@nestjs/common';

/** The calls feature's clock, injectable so tests can stand at a chosen instant. */
@Injectable()
export class CallsClock {
  now(): Date {
    return new Date();
  }
}
