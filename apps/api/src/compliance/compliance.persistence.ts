import { Compliance1795265242388 } from '../database/migrations/1795265242388-compliance.js';

/**
 * Entities and migrations of the compliance feature. Its tables (consents, revocations, internal DNC,
 * decisions…) are read and written with SQL in ComplianceRepository: the decision log's hash chain and
 * the append-only triggers need exact control of each statement, so no entity maps them.
 */
export const complianceEntities: Array<new (...args: never[]) => object> = [];
export const complianceMigrations: Array<new (...args: never[]) => object> = [Compliance1795265242388];
