import { Access1795264186379 } from '../database/migrations/1795264186379-access.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { SessionEntity } from './session.entity.js';
import { UserEntity } from './user.entity.js';

/** Entities and migrations of tenancy and access (organizations, users, sessions, API keys). */
export const authEntities: Array<new (...args: never[]) => object> = [UserEntity, SessionEntity, ApiKeyEntity];
export const authMigrations: Array<new (...args: never[]) => object> = [Access1795264186379];
