import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { SimulationEvent, SimulationFlowVersion, SimulationStreamEnd } from '@switchboard/contracts';
import type { Redis } from 'ioredis';
import type { Principal } from '../common/auth/principal.js';
import { REDIS_CLIENT } from '../redis/redis.module.js';
import type { SimulationSetup, SimulationState } from './simulation-engine.js';

/** A simulation as it is kept in Redis between two requests (any replica may serve the next one). */
export interface StoredSimulation {
  v: 1;
  id: string;
  organizationId: string;
  flowId: string;
  version: SimulationFlowVersion;
  /** SHA-256 of the flow document the call runs (kept beside it: a draft may change meanwhile) */
  flowHash: string;
  createdBy: { kind: Principal['kind']; id: string };
  createdAt: string;
  /** the last start or turn: the idle TTL runs from here */
  updatedAt: string;
  setup: SimulationSetup;
  state: SimulationState;
}

/** What outlives a simulation for a while, so its organisation hears 410 rather than 404. */
export interface SimulationTombstone {
  organizationId: string;
  reason: 'expired' | 'deleted';
}

/** What subscribers of a simulation's channel receive. */
export type SimulationMessage = { kind: 'event'; event: SimulationEvent } | { kind: 'end'; end: SimulationStreamEnd };

export interface SimulationTtls {
  idleTtlMs: number;
  goneTtlMs: number;
}

// One hash tag per simulation: its keys share a Redis Cluster slot, so the scripts below may touch them together.
const keys = (id: string) => {
  const base = `switchboard:simulation:{${id}}`;
  return { state: `${base}:state`, flow: `${base}:flow`, lock: `${base}:lock`, tomb: `${base}:tomb` };
};

/** The pub/sub channel of a simulation's events. */
export const simulationChannel = (id: string): string => `switchboard:simulation:${id}:events`;

/** Writes the state only while the writer still holds the lock, then publishes the turn's events. */
const SAVE = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[4], ARGV[4], 'PX', ARGV[5])
for i = 7, #ARGV do redis.call('PUBLISH', ARGV[6], ARGV[i]) end
return 1
`;

/** Drops the state and the flow under the lock, leaves the tombstone, publishes the end. */
const REMOVE = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[3])
for i = 5, #ARGV do redis.call('PUBLISH', ARGV[4], ARGV[i]) end
return 1
`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const LOCK_RETRY_MS = 25;

/** The only place that reads and writes simulations in Redis. */
@Injectable()
export class SimulationsRepository {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async create(simulation: StoredSimulation, flowJson: string, ttls: SimulationTtls): Promise<void> {
    const k = keys(simulation.id);
    const tomb: SimulationTombstone = { organizationId: simulation.organizationId, reason: 'expired' };
    await this.redis
      .multi()
      .set(k.flow, flowJson, 'PX', ttls.idleTtlMs)
      .set(k.state, JSON.stringify(simulation), 'PX', ttls.idleTtlMs)
      .set(k.tomb, JSON.stringify(tomb), 'PX', ttls.idleTtlMs + ttls.goneTtlMs)
      .exec();
  }

  async find(id: string): Promise<StoredSimulation | null> {
    const json = await this.redis.get(keys(id).state);
    return json === null ? null : (JSON.parse(json) as StoredSimulation);
  }

  findFlow(id: string): Promise<string | null> {
    return this.redis.get(keys(id).flow);
  }

  async findTombstone(id: string): Promise<SimulationTombstone | null> {
    const json = await this.redis.get(keys(id).tomb);
    return json === null ? null : (JSON.parse(json) as SimulationTombstone);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(keys(id).state)) === 1;
  }

  /** milliseconds the simulation has left before it expires; null when it is gone */
  async ttlMs(id: string): Promise<number | null> {
    const ttl = await this.redis.pttl(keys(id).state);
    return ttl < 0 ? null : ttl;
  }

  /**
   * Takes the simulation's lock (held at most `holdMs`), waiting up to `waitMs` for another
   * holder to let go; the token proves ownership to `save`, `remove` and `unlock`. Null when the
   * lock stayed taken.
   */
  async lock(id: string, holdMs: number, waitMs: number): Promise<string | null> {
    const token = randomUUID();
    const giveUpAt = Date.now() + waitMs;
    for (;;) {
      if ((await this.redis.set(keys(id).lock, token, 'PX', holdMs, 'NX')) === 'OK') return token;
      if (Date.now() >= giveUpAt) return null;
      await sleep(LOCK_RETRY_MS);
    }
  }

  async unlock(id: string, token: string): Promise<void> {
    await this.redis.eval(UNLOCK, 1, keys(id).lock, token);
  }

  /** stores the state and publishes `messages`, atomically; false when the lock was lost meanwhile */
  async save(
    simulation: StoredSimulation,
    token: string,
    ttls: SimulationTtls,
    messages: SimulationMessage[],
  ): Promise<boolean> {
    const k = keys(simulation.id);
    const tomb: SimulationTombstone = { organizationId: simulation.organizationId, reason: 'expired' };
    const saved = await this.redis.eval(
      SAVE,
      4,
      k.state,
      k.flow,
      k.lock,
      k.tomb,
      token,
      JSON.stringify(simulation),
      ttls.idleTtlMs,
      JSON.stringify(tomb),
      ttls.idleTtlMs + ttls.goneTtlMs,
      simulationChannel(simulation.id),
      ...messages.map((message) => JSON.stringify(message)),
    );
    return saved === 1;
  }

  /** forgets the simulation (its organisation hears 410 for a while) and publishes `messages` */
  async remove(
    simulation: StoredSimulation,
    token: string,
    ttls: SimulationTtls,
    messages: SimulationMessage[],
  ): Promise<boolean> {
    const k = keys(simulation.id);
    const tomb: SimulationTombstone = { organizationId: simulation.organizationId, reason: 'deleted' };
    const removed = await this.redis.eval(
      REMOVE,
      4,
      k.state,
      k.flow,
      k.lock,
      k.tomb,
      token,
      JSON.stringify(tomb),
      ttls.goneTtlMs,
      simulationChannel(simulation.id),
      ...messages.map((message) => JSON.stringify(message)),
    );
    return removed === 1;
  }
}
