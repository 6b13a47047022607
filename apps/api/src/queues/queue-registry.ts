import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import { DiscoveryService } from '@nestjs/core';
import { Queue, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';

/** A queue's connection errors are logged at most this often (Redis down: one line a minute, not a flood). */
const ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Every BullMQ queue this API registers (`BullModule.registerQueue*` in any module: calls,
 * webhooks, dnc-import, a dead-letter queue…), found in Nest's container when the app has booted,
 * so a queue added by a feature shows on the dashboard and in /metrics without a list to keep up
 * to date. A queue registered by two modules (same name and prefix) is listed once.
 */
function isQueue(value: unknown): value is Queue {
  return value instanceof Queue;
}

@Injectable()
export class QueueRegistry implements OnApplicationBootstrap {
  private found: Queue[] | null = null;

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.found = this.discover();
    // without a listener BullMQ prints every connection error to the console, bypassing the logs
    for (const queue of this.found) this.logErrors(queue, queue.name, 'queue');
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) continue;
      const worker: Worker = (instance as WorkerHost<Worker>).worker;
      this.logErrors(worker, worker.name, 'worker');
    }
  }

  private logErrors(
    emitter: { on(event: 'error', listener: (error: Error) => void): unknown },
    name: string,
    kind: string,
  ): void {
    let loggedAt = 0;
    emitter.on('error', (error: Error) => {
      const now = Date.now();
      if (now - loggedAt < ERROR_LOG_INTERVAL_MS) return;
      loggedAt = now;
      this.logger.warn({ [kind]: name, reason: error.message }, `${kind} connection error (Redis unreachable?)`);
    });
  }

  /** The queues, by name. */
  queues(): Queue[] {
    this.found ??= this.discover();
    return this.found;
  }

  names(): string[] {
    return this.queues().map((queue) => queue.name);
  }

  private discover(): Queue[] {
    const byKey = new Map<string, Queue>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!isQueue(instance)) continue;
      const key = `${instance.opts.prefix ?? 'bull'}:${instance.name}`;
      if (!byKey.has(key)) byKey.set(key, instance);
    }
    return [...byKey.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
