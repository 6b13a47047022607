/** Entities and migrations of the activity log. */
export const activityEntities: Array<new (...args: never[]) => object> = [];
export const activityMigrations: Array<new (...args: never[]) => object> = [];
