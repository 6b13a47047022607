/** Entities and migrations of tenancy and access (organizations, users, sessions, API keys). */
export const authEntities: Function[] = [];
export const authMigrations: Function[] = [];
