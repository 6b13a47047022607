/** Entities and migrations of tenancy and access (organizations, users, sessions, API keys). */
export const authEntities: Array<new (...args: never[]) => object> = [];
export const authMigrations: Array<new (...args: never[]) => object> = [];
