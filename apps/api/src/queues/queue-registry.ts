import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Queue } from 'bullmq';

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

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    this.found = this.discover();
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
