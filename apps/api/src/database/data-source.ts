import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { loadDatabaseUrl } from '../config/app-config.js';
import { activityEntities, activityMigrations } from '../activity/activity.persistence.js';
import { authEntities, authMigrations } from '../auth/auth.persistence.js';
import { callsEntities, callsMigrations } from '../calls/calls.persistence.js';
import { campaignsEntities, campaignsMigrations } from '../campaigns/campaigns.persistence.js';
import { complianceEntities, complianceMigrations } from '../compliance/compliance.persistence.js';
import { dncEntities, dncMigrations } from '../dnc/dnc.persistence.js';
import { flowsEntities, flowsMigrations } from '../flows/flows.persistence.js';
import { webhooksEntities, webhooksMigrations } from '../webhooks/webhooks.persistence.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';
import { Initial1795261800000 } from './migrations/1795261800000-initial.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

/** Every entity, by class: adding one here is what makes TypeORM (and migration:check) see it. */
export const entities = [
  OrganizationEntity,
  ...authEntities,
  ...activityEntities,
  ...flowsEntities,
  ...complianceEntities,
  ...dncEntities,
  ...callsEntities,
  ...webhooksEntities,
  ...campaignsEntities,
];

/** A migration class's timestamp: the digits that end its name (`Campaigns1795272000000`). */
const timestampOf = (migration: { name: string }): number => Number(/(\d+)$/.exec(migration.name)?.[1] ?? NaN);

/**
 * Every migration, by class (no globs: the build output and the sources load alike), in the order
 * of their timestamps, which is the order TypeORM applies them in whatever feature lists them.
 */
export const migrations = [
  Initial1795261800000,
  ...authMigrations,
  ...activityMigrations,
  ...flowsMigrations,
  ...complianceMigrations,
  ...dncMigrations,
  ...callsMigrations,
  ...webhooksMigrations,
  ...campaignsMigrations,
].sort((a, b) => timestampOf(a) - timestampOf(b));

/**
 * The one definition of how the API talks to Postgres, shared by the Nest module, the migration
 * runner and the TypeORM CLI. The schema changes only through migrations, run as an explicit step.
 */
export function dataSourceOptions(databaseUrl: string): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    applicationName: 'switchboard-api',
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    namingStrategy: new SnakeNamingStrategy(),
    // gen_random_uuid() is built into Postgres 13+; extensions are the migrations' business.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    connectTimeoutMS: 3_000,
    logging: false,
  };
}

/** For the TypeORM CLI (`typeorm -d src/database/data-source.ts …`), which wants one exported DataSource. */
export const dataSource = new DataSource(dataSourceOptions(loadDatabaseUrl()));
