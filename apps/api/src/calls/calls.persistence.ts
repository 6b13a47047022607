import { Calls1795268096260 } from '../database/migrations/1795268096260-calls.js';
import { CallSimulation1795270000000 } from '../database/migrations/1795270000000-call-simulation.js';
import { CallRecovery1795280000000 } from '../database/migrations/1795280000000-call-recovery.js';
import { CallReconcilerIndexes1796593075572 } from '../database/migrations/1796593075572-call-reconciler-indexes.js';
import { CallsByContact1796680000000 } from '../database/migrations/1796680000000-calls-by-contact.js';
import { CallIdempotencyKeyEntity } from './call-idempotency-key.entity.js';
import { CallEntity } from './call.entity.js';

/** Entities and migrations of single calls and their idempotency keys. */
export const callsEntities: Array<new (...args: never[]) => object> = [CallEntity, CallIdempotencyKeyEntity];
export const callsMigrations: Array<new (...args: never[]) => object> = [
  Calls1795268096260,
  CallSimulation1795270000000,
  CallRecovery1795280000000,
  CallReconcilerIndexes1796593075572,
  CallsByContact1796680000000,
];
