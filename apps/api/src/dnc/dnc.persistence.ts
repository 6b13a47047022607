import { DncRegistry1795265345449 } from '../database/migrations/1795265345449-dnc-registry.js';
import { DncBitmapEntity, DncSnapshotAreaCodeEntity } from './dnc-bitmap.entity.js';
import { DncSnapshotEntity } from './dnc-snapshot.entity.js';

/** Entities and migrations of the DNC registries (snapshots, area-code bitmaps). */
export const dncEntities: Array<new (...args: never[]) => object> = [
  DncSnapshotEntity,
  DncBitmapEntity,
  DncSnapshotAreaCodeEntity,
];
export const dncMigrations: Array<new (...args: never[]) => object> = [DncRegistry1795265345449];
