/** Entities and migrations of the activity log. */
export const activityEntities: Function[] = [];
export const activityMigrations: Function[] = [];
