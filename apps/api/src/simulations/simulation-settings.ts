/** How simulations live in Redis and stream; one value per app (tests override it). */
export interface SimulationSettings {
  /** a simulation without a turn for this long is forgotten */
  idleTtlMs: number;
  /** how long after that its id still answers 410 (gone) instead of 404 to its organisation */
  goneTtlMs: number;
  /** real time a start or a turn may take (real HTTP tools may run up to 60 s each) */
  turnTimeoutMs: number;
  /** how long a turn waits for another turn of the same simulation to finish */
  lockWaitMs: number;
  /** SSE comment line sent this often, so proxies keep the stream open and dead clients are noticed */
  heartbeatMs: number;
}

export const SIMULATION_SETTINGS = Symbol('SIMULATION_SETTINGS');

export const DEFAULT_SIMULATION_SETTINGS: SimulationSettings = Object.freeze({
  idleTtlMs: 30 * 60_000,
  goneTtlMs: 24 * 60 * 60_000,
  turnTimeoutMs: 90_000,
  lockWaitMs: 10_000,
  heartbeatMs: 15_000,
});
