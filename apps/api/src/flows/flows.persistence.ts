/** Entities and migrations of flows, drafts and versions. */
export const flowsEntities: Array<new (...args: never[]) => object> = [];
export const flowsMigrations: Array<new (...args: never[]) => object> = [];
