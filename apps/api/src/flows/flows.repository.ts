import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type FindOptionsSelect, IsNull } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { FlowStatus } from '@switchboard/contracts';
import type { CursorPosition } from '../common/pagination/cursor.js';
import { FlowVersionEntity } from './flow-version.entity.js';
import { FlowEntity } from './flow.entity.js';
import { queryPrepared } from '../database/prepared.js';
import { escapeLike } from './flow-document.js';

/** A flow row without its heavy columns (draft, layout, diagnostics): what lists need. */
export type FlowListRow = Omit<FlowEntity, 'draft' | 'layout' | 'diagnostics' | 'organization'>;
/** A version row without its document. */
export type FlowVersionRow = Omit<FlowVersionEntity, 'document' | 'flow' | 'organization'>;

const LIST_COLUMNS = [
  'id',
  'organizationId',
  'name',
  'purpose',
  'draftRevision',
  'draftChecksum',
  'diagnosticsSummary',
  'templateId',
  'latestVersion',
  'publishedChecksum',
  'publishedAt',
  'deletedAt',
  'createdAt',
  'createdByKind',
  'createdById',
  'createdByLabel',
  'updatedAt',
  'updatedByKind',
  'updatedById',
  'updatedByLabel',
] as const satisfies readonly (keyof FlowListRow)[];

const VERSION_COLUMNS = [
  'id',
  'flowId',
  'organizationId',
  'number',
  'checksum',
  'message',
  'authorKind',
  'authorId',
  'authorLabel',
  'publishedAt',
] as const satisfies readonly (keyof FlowVersionRow)[];

const LIST_SELECT = Object.fromEntries(LIST_COLUMNS.map((column) => [column, true])) as FindOptionsSelect<FlowEntity>;
const VERSION_SELECT = Object.fromEntries(
  VERSION_COLUMNS.map((column) => [column, true]),
) as FindOptionsSelect<FlowVersionEntity>;

export type NewFlow = Omit<FlowEntity, 'id' | 'organization' | 'deletedAt'>;
export type DraftUpdate = Pick<
  FlowEntity,
  | 'name'
  | 'purpose'
  | 'draft'
  | 'layout'
  | 'draftChecksum'
  | 'diagnostics'
  | 'diagnosticsSummary'
  | 'updatedAt'
  | 'updatedByKind'
  | 'updatedById'
  | 'updatedByLabel'
>;
export type NewVersion = Omit<FlowVersionEntity, 'id' | 'flow' | 'organization'>;

export interface FlowListFilter {
  limit: number;
  after: CursorPosition | null;
  q?: string | undefined;
  status?: FlowStatus | undefined;
}

/**
 * The only place that reads and writes `flows` and `flow_versions`. Every query is scoped by the
 * organisation; a soft-deleted flow is invisible. `transaction` hands the work a repository (and
 * the manager, for other features' writes such as the activity log) bound to one transaction.
 */
@Injectable()
export class FlowsRepository {
  private readonly manager: EntityManager;

  constructor(@InjectDataSource() dataSource: DataSource | EntityManager) {
    this.manager = dataSource instanceof DataSource ? dataSource.manager : dataSource;
  }

  transaction<T>(work: (tx: FlowsRepository, manager: EntityManager) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new FlowsRepository(manager), manager));
  }

  async insertFlow(values: NewFlow): Promise<FlowEntity> {
    const entity = this.manager.create(FlowEntity, values);
    return this.manager.save(FlowEntity, entity);
  }

  /** The flow with its draft, or null (unknown, another organisation's, or deleted). */
  findFlow(organizationId: string, id: string): Promise<FlowEntity | null> {
    return this.manager.findOne(FlowEntity, { where: { id, organizationId, deletedAt: IsNull() } });
  }

  /** Same, without the heavy columns. */
  findFlowSummary(organizationId: string, id: string): Promise<FlowListRow | null> {
    return this.manager.findOne(FlowEntity, {
      select: LIST_SELECT,
      where: { id, organizationId, deletedAt: IsNull() },
    });
  }

  /** The flow row locked until the transaction ends (publishes of one flow queue up behind it). */
  lockFlow(organizationId: string, id: string): Promise<FlowListRow | null> {
    return this.manager
      .createQueryBuilder(FlowEntity, 'f')
      .select(LIST_COLUMNS.map((column) => `f.${column}`))
      .where('f.id = :id AND f.organization_id = :organizationId AND f.deleted_at IS NULL', { id, organizationId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async listFlows(organizationId: string, filter: FlowListFilter): Promise<FlowListRow[]> {
    const query = this.manager
      .createQueryBuilder(FlowEntity, 'f')
      .select(LIST_COLUMNS.map((column) => `f.${column}`))
      .where('f.organization_id = :organizationId AND f.deleted_at IS NULL', { organizationId });
    if (filter.q !== undefined) {
      query.andWhere(`f.name ILIKE :pattern ESCAPE '\\'`, { pattern: `%${escapeLike(filter.q)}%` });
    }
    if (filter.status === 'draft') query.andWhere('f.latest_version IS NULL');
    if (filter.status === 'published') query.andWhere('f.latest_version IS NOT NULL');
    if (filter.after) {
      query.andWhere('(f.created_at, f.id) < (:createdAt, :id)', {
        createdAt: filter.after.createdAt,
        id: filter.after.id,
      });
    }
    return query
      .orderBy('f.created_at', 'DESC')
      .addOrderBy('f.id', 'DESC')
      .limit(filter.limit + 1)
      .getMany();
  }

  /**
   * Saves the draft when it is still at `expectedRevision` ('*': whatever it is at); the check and
   * the write are one statement, so two saves based on the same revision cannot both succeed.
   * Returns the new revision, or null when nothing matched (unknown flow, or a stale revision).
   */
  async updateDraft(
    organizationId: string,
    id: string,
    expectedRevision: number | '*',
    values: DraftUpdate,
  ): Promise<number | null> {
    const query = this.manager
      .createQueryBuilder()
      .update(FlowEntity)
      .set({ ...values, draftRevision: () => 'draft_revision + 1' } as QueryDeepPartialEntity<FlowEntity>)
      .where('id = :id AND organization_id = :organizationId AND deleted_at IS NULL', { id, organizationId });
    if (expectedRevision !== '*') query.andWhere('draft_revision = :expectedRevision', { expectedRevision });
    const result = await query.returning('draft_revision').execute();
    const row = (result.raw as { draft_revision: number }[])[0];
    return row ? row.draft_revision : null;
  }

  async softDelete(
    organizationId: string,
    id: string,
    at: Date,
    by: Pick<FlowEntity, 'updatedByKind' | 'updatedById' | 'updatedByLabel'>,
  ): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .update(FlowEntity)
      .set({ deletedAt: at, updatedAt: at, ...by })
      .where('id = :id AND organization_id = :organizationId AND deleted_at IS NULL', { id, organizationId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async insertVersion(values: NewVersion): Promise<FlowVersionEntity> {
    const entity = this.manager.create(FlowVersionEntity, values);
    return this.manager.save(FlowVersionEntity, entity);
  }

  async markPublished(
    organizationId: string,
    id: string,
    version: Pick<FlowVersionEntity, 'number' | 'checksum' | 'publishedAt'>,
  ): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .update(FlowEntity)
      .set({ latestVersion: version.number, publishedChecksum: version.checksum, publishedAt: version.publishedAt })
      .where('id = :id AND organization_id = :organizationId', { id, organizationId })
      .execute();
  }

  /**
   * The flow's latest version number (null: never published), or undefined when there is no such
   * flow (unknown, another organisation's, or deleted). One light read for the features that pin a
   * published version: the flow row is mutable (publish, delete), its versions are not.
   */
  async findLatestVersionNumber(organizationId: string, id: string): Promise<number | null | undefined> {
    const { rows } = await queryPrepared<{ latest_version: number | null }>(
      this.manager.connection,
      `SELECT latest_version FROM flows WHERE id = $1 AND organization_id = $2 AND deleted_at IS NULL`,
      [id, organizationId],
    );
    return rows[0] === undefined ? undefined : rows[0].latest_version;
  }

  /** A version's document and its stored size, or null (plain SQL: the hot path of POST /v1/calls). */
  async findVersionDocument(
    organizationId: string,
    flowId: string,
    number: number,
  ): Promise<{ document: Record<string, unknown>; bytes: number } | null> {
    const rows = await this.manager.query<Array<{ document: Record<string, unknown>; bytes: number }>>(
      `SELECT document, octet_length(document::text) AS bytes FROM flow_versions
        WHERE organization_id = $1 AND flow_id = $2 AND number = $3`,
      [organizationId, flowId, number],
    );
    return rows[0] ?? null;
  }

  findVersion(organizationId: string, flowId: string, number: number): Promise<FlowVersionEntity | null> {
    return this.manager.findOne(FlowVersionEntity, { where: { organizationId, flowId, number } });
  }

  findVersionSummary(organizationId: string, flowId: string, number: number): Promise<FlowVersionRow | null> {
    return this.manager.findOne(FlowVersionEntity, {
      select: VERSION_SELECT,
      where: { organizationId, flowId, number },
    });
  }

  /** Newest first, `limit + 1` rows, strictly older than `beforeNumber`. */
  listVersions(
    organizationId: string,
    flowId: string,
    limit: number,
    beforeNumber: number | null,
  ): Promise<FlowVersionRow[]> {
    const query = this.manager
      .createQueryBuilder(FlowVersionEntity, 'v')
      .select(VERSION_COLUMNS.map((column) => `v.${column}`))
      .where('v.flow_id = :flowId AND v.organization_id = :organizationId', { flowId, organizationId });
    if (beforeNumber !== null) query.andWhere('v.number < :beforeNumber', { beforeNumber });
    return query
      .orderBy('v.number', 'DESC')
      .limit(limit + 1)
      .getMany();
  }
}
