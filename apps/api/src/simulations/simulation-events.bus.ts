import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { REDIS_CLIENT } from '../redis/redis.module.js';
import { simulationChannel, type SimulationMessage } from './simulations.repository.js';

type Listener = (message: SimulationMessage) => void;

interface Channel {
  listeners: Set<Listener>;
  /** resolves once Redis has confirmed the subscription */
  ready: Promise<unknown>;
}

/**
 * Live events of simulations, whichever replica applied the turn: one Redis subscriber
 * connection per API process (a connection in subscriber mode can do nothing else), shared by
 * every open event stream, subscribed to a simulation's channel while someone listens to it.
 */
@Injectable()
export class SimulationEventsBus implements OnApplicationShutdown {
  private subscriber: Redis | null = null;
  private readonly channels = new Map<string, Channel>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** listens to a simulation's messages; resolves once subscribed, with the function that stops listening */
  async subscribe(simulationId: string, listener: Listener): Promise<() => Promise<void>> {
    const name = simulationChannel(simulationId);
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { listeners: new Set(), ready: this.connection().subscribe(name) };
      this.channels.set(name, channel);
    }
    channel.listeners.add(listener);
    try {
      await channel.ready;
    } catch (error) {
      await this.drop(name, listener);
      throw error;
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      await this.drop(name, listener);
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.channels.clear();
    if (!subscriber) return;
    if (subscriber.status === 'ready') await subscriber.quit();
    else subscriber.disconnect();
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.duplicate({ connectionName: 'switchboard-api-simulations' });
    subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
    subscriber.on('error', (error: Error) => this.logger.warn({ err: error }, 'simulation events subscriber error'));
    this.subscriber = subscriber;
    return subscriber;
  }

  private dispatch(name: string, payload: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    let message: SimulationMessage;
    try {
      message = JSON.parse(payload) as SimulationMessage;
    } catch (error) {
      this.logger.warn({ err: error, channel: name }, 'unreadable simulation event');
      return;
    }
    for (const listener of [...channel.listeners]) listener(message);
  }

  private async drop(name: string, listener: Listener): Promise<void> {
    const channel = this.channels.get(name);
    if (!channel) return;
    channel.listeners.delete(listener);
    if (channel.listeners.size > 0) return;
    this.channels.delete(name);
    // Commands on one connection run in order: a later subscribe to the same channel comes after this.
    await this.subscriber?.unsubscribe(name).catch(() => undefined);
  }
}
