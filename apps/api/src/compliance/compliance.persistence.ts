/** Entities and migrations of the compliance feature. */
export const complianceEntities: Array<new (...args: never[]) => object> = [];
export const complianceMigrations: Array<new (...args: never[]) => object> = [];
