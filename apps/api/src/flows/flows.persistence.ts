/** Entities and migrations of flows, drafts and versions. */
export const flowsEntities: Function[] = [];
export const flowsMigrations: Function[] = [];
