import { ActivityLog1795264186380 } from '../database/migrations/1795264186380-activity-log.js';
import { ActivityEntity } from './activity.entity.js';

/** Entities and migrations of the activity log. */
export const activityEntities: Array<new (...args: never[]) => object> = [ActivityEntity];
export const activityMigrations: Array<new (...args: never[]) => object> = [ActivityLog1795264186380];
