/** Entities and migrations of the dnc feature. */
export const dncEntities: Array<new (...args: never[]) => object> = [];
export const dncMigrations: Array<new (...args: never[]) => object> = [];
