import { Injectable } from '@nestjs/common';
import { type FlowDocument, type ScenarioResult, diffFlows, runScenarios } from '@switchboard/flow';
import type {
  Actor,
  CreateFlowBody,
  FlowDetail,
  FlowDiffResult,
  FlowLayout,
  FlowListQuery,
  FlowSummary,
  FlowTemplate,
  FlowTestRun,
  FlowValidation,
  FlowVersion,
  FlowVersionSummary,
  Page,
  PageQuery,
  PublishFlowBody,
  SaveDraftBody,
} from '@switchboard/contracts';
import type { EntityManager } from 'typeorm';
import { ActivityService, actorOf } from '../activity/activity.service.js';
import type { Principal } from '../common/auth/principal.js';
import { ApiError } from '../common/errors/api-error.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import type { FlowEntity } from './flow.entity.js';
import {
  type AnalysedDraft,
  type JsonObject,
  analyseDraft,
  assertFlowDocument,
  capDetails,
  decodeVersionCursor,
  diagnosticDetails,
  diagnosticsOf,
  encodeVersionCursor,
  expectedRevision,
  exportFileName,
  joinDocument,
  publishBlockers,
  splitDocument,
  toScenarioRun,
  withName,
} from './flow-document.js';
import { FlowTemplateCatalog } from './flow-templates.js';
import { FlowsClock } from './flows.clock.js';
import { FlowError } from './flows.errors.js';
import { type FlowListRow, type FlowVersionRow, FlowsRepository } from './flows.repository.js';
import { PublishedVersionCache } from './published-version-cache.js';

export interface ResolvedFlowDocument {
  /** the parsed flow (defaults applied), free of errors */
  document: FlowDocument;
  /** the version number, or null for the draft */
  version: number | null;
}

export interface FlowExport {
  fileName: string;
  document: JsonObject;
}

/**
 * The rules of flows: drafts saved whatever their state (diagnostics say what is wrong), saves
 * guarded by the draft's revision, immutable numbered versions that only a draft with no errors
 * and passing scenarios becomes, and every change in the activity log of the same transaction.
 */
/** How a feature that runs published flows names their absence (CallError, CampaignError). */
export interface PublishedFlowErrors {
  flowNotFound(flowId: string): Error;
  versionNotFound(flowId: string, version: number): Error;
  flowNotPublished(flowId: string): Error;
}

@Injectable()
export class FlowsService {
  constructor(
    private readonly flows: FlowsRepository,
    private readonly templates: FlowTemplateCatalog,
    private readonly activity: ActivityService,
    private readonly clock: FlowsClock,
    private readonly versions: PublishedVersionCache,
  ) {}

  // ------------------------------------------------------------------ drafts

  async list(principal: Principal, query: FlowListQuery): Promise<Page<FlowSummary>> {
    const rows = await this.flows.listFlows(principal.organizationId, {
      limit: query.limit,
      after: decodeCursor(query.cursor),
      q: query.q,
      status: query.status,
    });
    return toPage(rows, query.limit, toSummary);
  }

  async create(principal: Principal, body: CreateFlowBody): Promise<FlowDetail> {
    let document: JsonObject;
    let templateId: string | null = null;
    if (body.templateId !== undefined) {
      const template = await this.templates.find(body.templateId);
      if (!template) throw FlowError.templateNotFound(body.templateId);
      document = structuredClone(template.document);
      templateId = template.id;
    } else {
      assertFlowDocument(body.document, 'body.document');
      document = body.document;
    }
    if (body.name !== undefined) document = withName(document, body.name);
    const { logic, layout } = splitDocument(document, 'body.document');
    return this.insert(principal, analyseDraft(logic, layout ?? null), { templateId, action: 'flow.created' });
  }

  /** `POST /v1/flows/import`: a switchboard.flow/v1 file becomes a new flow (its errors, if any, as diagnostics). */
  async import(principal: Principal, body: unknown): Promise<FlowDetail> {
    assertFlowDocument(body, 'body');
    const { logic, layout } = splitDocument(body, 'body');
    return this.insert(principal, analyseDraft(logic, layout ?? null), { templateId: null, action: 'flow.imported' });
  }

  private async insert(
    principal: Principal,
    draft: AnalysedDraft,
    options: { templateId: string | null; action: 'flow.created' | 'flow.imported' },
  ): Promise<FlowDetail> {
    const now = this.clock.now();
    const row = await this.flows.transaction(async (tx, manager) => {
      const inserted = await tx.insertFlow({
        organizationId: principal.organizationId,
        name: draft.name,
        purpose: draft.purpose,
        draft: draft.logic,
        layout: draft.layout,
        draftRevision: 1,
        draftChecksum: draft.checksum,
        diagnostics: draft.diagnostics,
        diagnosticsSummary: draft.summary,
        templateId: options.templateId,
        latestVersion: null,
        publishedChecksum: null,
        publishedAt: null,
        createdAt: now,
        createdByKind: principal.kind,
        createdById: principal.id,
        createdByLabel: principal.label,
        updatedAt: now,
        updatedByKind: principal.kind,
        updatedById: principal.id,
        updatedByLabel: principal.label,
      });
      await this.record(manager, principal, options.action, inserted.id, {
        name: draft.name,
        checksum: draft.checksum,
        ...draft.summary,
        ...(options.templateId ? { templateId: options.templateId } : {}),
      });
      return inserted;
    });
    return toDetail(row, null);
  }

  async get(principal: Principal, id: string): Promise<FlowDetail> {
    const row = await this.requireFlow(principal.organizationId, id);
    return toDetail(row, await this.latestVersion(row));
  }

  /**
   * Saves the draft, errors and all, when the caller's revision is still the current one.
   * Omitting `layout` keeps the document's own layout, or else the stored one.
   */
  async saveDraft(
    principal: Principal,
    id: string,
    body: SaveDraftBody,
    ifMatch: string | undefined,
  ): Promise<FlowDetail> {
    const expected = expectedRevision(ifMatch, body.revision);
    if (expected === undefined) throw FlowError.revisionRequired();
    assertFlowDocument(body.document, 'body.document');
    const { logic, layout: documentLayout } = splitDocument(body.document, 'body.document');
    const current = await this.requireFlow(principal.organizationId, id);
    if (expected !== '*' && expected !== current.draftRevision) {
      throw FlowError.revisionConflict(current.draftRevision, expected);
    }
    const layout: FlowLayout | null =
      body.layout !== undefined ? body.layout : (documentLayout ?? (current.layout as FlowLayout | null));
    const draft = analyseDraft(logic, layout);
    const now = this.clock.now();
    const revision = await this.flows.transaction(async (tx, manager) => {
      const saved = await tx.updateDraft(principal.organizationId, id, expected, {
        name: draft.name,
        purpose: draft.purpose,
        draft: draft.logic,
        layout: draft.layout,
        draftChecksum: draft.checksum,
        diagnostics: draft.diagnostics,
        diagnosticsSummary: draft.summary,
        updatedAt: now,
        updatedByKind: principal.kind,
        updatedById: principal.id,
        updatedByLabel: principal.label,
      });
      if (saved === null) {
        // Someone saved (or deleted it) between our read and this write.
        const latest = await tx.findFlowSummary(principal.organizationId, id);
        if (!latest) throw FlowError.flowNotFound(id);
        throw FlowError.revisionConflict(latest.draftRevision, expected === '*' ? current.draftRevision : expected);
      }
      await this.record(manager, principal, 'flow.updated', id, {
        revision: saved,
        checksum: draft.checksum,
        logicChanged: draft.checksum !== current.draftChecksum,
        ...draft.summary,
      });
      return saved;
    });
    const row: FlowEntity = {
      ...current,
      name: draft.name,
      purpose: draft.purpose,
      draft: draft.logic,
      layout: draft.layout,
      draftRevision: revision,
      draftChecksum: draft.checksum,
      diagnostics: draft.diagnostics,
      diagnosticsSummary: draft.summary,
      updatedAt: now,
      updatedByKind: principal.kind,
      updatedById: principal.id,
      updatedByLabel: principal.label,
    };
    return toDetail(row, await this.latestVersion(row));
  }

  /** Soft delete: the flow disappears from every route; its versions stay, for audit. */
  async remove(principal: Principal, id: string): Promise<void> {
    const now = this.clock.now();
    await this.flows.transaction(async (tx, manager) => {
      const deleted = await tx.softDelete(principal.organizationId, id, now, {
        updatedByKind: principal.kind,
        updatedById: principal.id,
        updatedByLabel: principal.label,
      });
      if (!deleted) throw FlowError.flowNotFound(id);
      await this.record(manager, principal, 'flow.deleted', id, {});
    });
  }

  // ------------------------------------------------------------------ checks and scenarios

  /** The diagnostics of the stored draft, or of `document` (nothing is saved). */
  async validate(principal: Principal, id: string, document: JsonObject | undefined): Promise<FlowValidation> {
    const current = await this.requireFlow(principal.organizationId, id);
    let draft: AnalysedDraft;
    if (document === undefined) draft = this.analyseStored(current);
    else {
      assertFlowDocument(document, 'body.document');
      const { logic, layout } = splitDocument(document, 'body.document');
      draft = analyseDraft(logic, layout ?? (current.layout as FlowLayout | null));
    }
    return { ok: draft.summary.errors === 0, checksum: draft.checksum, diagnostics: diagnosticsOf(draft.diagnostics) };
  }

  /** Runs the draft's scenarios (all, or the named ones) on the simulator. */
  async test(principal: Principal, id: string, names: string[] | undefined): Promise<FlowTestRun> {
    const current = await this.requireFlow(principal.organizationId, id);
    const flow = this.runnable(this.analyseStored(current), 'draft');
    let tests = flow.tests;
    if (names !== undefined) {
      const missing = names.flatMap((name, index) =>
        tests.some((t) => t.name === name) ? [] : [{ path: `body.scenarios[${index}]`, message: 'no such scenario' }],
      );
      if (missing.length > 0) {
        throw FlowError.invalid(`The draft has no scenario named ${missing.map((m) => m.path).join(', ')}`, missing);
      }
      tests = tests.filter((t) => names.includes(t.name));
    }
    const results = await runScenarios({ ...flow, tests });
    const passed = results.filter((r) => r.passed).length;
    return {
      passed: passed === results.length,
      summary: { total: results.length, passed, failed: results.length - passed },
      scenarios: results.map(toScenarioRun),
    };
  }

  // ------------------------------------------------------------------ versions

  /**
   * Freezes the draft as version n+1 when it has no errors and every scenario passes. Publishing
   * logic identical to the latest version is a 409 `FLOW_UNCHANGED` (a layout-only change is not a
   * new version). The checks run outside the transaction; inside it, the flow row is locked, so
   * concurrent publishes of one flow get consecutive numbers, and a draft saved meanwhile is a 409.
   */
  async publish(
    principal: Principal,
    id: string,
    body: PublishFlowBody,
    ifMatch: string | undefined,
  ): Promise<FlowVersionSummary> {
    const expected = expectedRevision(ifMatch, body.revision);
    const current = await this.requireFlow(principal.organizationId, id);
    if (expected !== undefined && expected !== '*' && expected !== current.draftRevision) {
      throw FlowError.revisionConflict(current.draftRevision, expected);
    }
    const draft = this.analyseStored(current);
    if (current.latestVersion !== null && current.publishedChecksum === draft.checksum) {
      throw FlowError.unchanged(current.latestVersion, draft.checksum);
    }
    const flow = draft.flow;
    let scenarios: ScenarioResult[] | undefined;
    if (flow && draft.summary.errors === 0) scenarios = await runScenarios(flow);
    const blockers = publishBlockers(draft.diagnostics, scenarios);
    if (!flow || blockers.length > 0) {
      const failed = scenarios?.filter((s) => !s.passed).length ?? 0;
      const reasons = [
        ...(draft.summary.errors > 0 ? [`${draft.summary.errors} error(s)`] : []),
        ...(failed > 0 ? [`${failed} failing scenario(s)`] : []),
      ];
      throw FlowError.notPublishable(`The draft cannot be published: ${reasons.join(' and ')}`, capDetails(blockers));
    }

    const now = this.clock.now();
    return this.flows.transaction(async (tx, manager) => {
      const locked = await tx.lockFlow(principal.organizationId, id);
      if (!locked) throw FlowError.flowNotFound(id);
      if (locked.draftRevision !== current.draftRevision) {
        throw FlowError.revisionConflict(locked.draftRevision, current.draftRevision);
      }
      if (locked.latestVersion !== null && locked.publishedChecksum === draft.checksum) {
        throw FlowError.unchanged(locked.latestVersion, draft.checksum);
      }
      const version = await tx.insertVersion({
        flowId: id,
        organizationId: principal.organizationId,
        number: (locked.latestVersion ?? 0) + 1,
        document: flow,
        checksum: draft.checksum,
        message: body.message,
        authorKind: principal.kind,
        authorId: principal.id,
        authorLabel: principal.label,
        publishedAt: now,
      });
      await tx.markPublished(principal.organizationId, id, version);
      await this.record(manager, principal, 'flow.published', id, {
        version: version.number,
        checksum: version.checksum,
        message: version.message,
        revision: locked.draftRevision,
      });
      return toVersionSummary(version);
    });
  }

  async listVersions(principal: Principal, id: string, query: PageQuery): Promise<Page<FlowVersionSummary>> {
    await this.requireFlowSummary(principal.organizationId, id);
    const rows = await this.flows.listVersions(
      principal.organizationId,
      id,
      query.limit,
      decodeVersionCursor(query.cursor),
    );
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    return {
      items: page.map(toVersionSummary),
      nextCursor: more && last ? encodeVersionCursor(last.number) : null,
    };
  }

  async getVersion(principal: Principal, id: string, number: number): Promise<FlowVersion> {
    await this.requireFlowSummary(principal.organizationId, id);
    const version = await this.flows.findVersion(principal.organizationId, id, number);
    if (!version) throw FlowError.versionNotFound(id, number);
    return { ...toVersionSummary(version), document: version.document };
  }

  /** The logic diff from version `a` to version `b` (layout ignored). */
  async diff(principal: Principal, id: string, a: number, b: number): Promise<FlowDiffResult> {
    await this.requireFlowSummary(principal.organizationId, id);
    const [from, to] = await Promise.all([
      this.flows.findVersion(principal.organizationId, id, a),
      this.flows.findVersion(principal.organizationId, id, b),
    ]);
    if (!from) throw FlowError.versionNotFound(id, a);
    if (!to) throw FlowError.versionNotFound(id, b);
    const { identical, ...changes } = diffFlows(
      from.document as unknown as FlowDocument,
      to.document as unknown as FlowDocument,
    );
    return {
      from: { number: from.number, checksum: from.checksum },
      to: { number: to.number, checksum: to.checksum },
      identical,
      changes,
    };
  }

  /**
   * The parsed document of a flow's draft or of one of its versions, for whoever runs it (the
   * simulator, calls). 404 for an unknown flow or version (another organisation's included);
   * a draft with errors is a 422 `FLOW_INVALID` naming them (it cannot run).
   */
  /**
   * The published version a call or campaign runs: `requested`, else the latest one. Each failure
   * is the caller's own error (its code and field names), from `errors`.
   */
  async resolvePublished(
    principal: Principal,
    flowId: string,
    requested: number | undefined,
    errors: PublishedFlowErrors,
  ): Promise<{ document: FlowDocument; version: number }> {
    // the flow row is read every time (it may have been deleted, or published again); the
    // version's document is immutable and comes from the cache once read
    const organizationId = principal.organizationId;
    const latest = await this.flows.findLatestVersionNumber(organizationId, flowId);
    if (latest === undefined) throw errors.flowNotFound(flowId);
    const version = requested ?? latest;
    if (version === null) throw errors.flowNotPublished(flowId);
    const cached = this.versions.get(organizationId, flowId, version);
    if (cached) return { document: cached, version };
    const row = await this.flows.findVersionDocument(organizationId, flowId, version);
    if (!row) throw errors.versionNotFound(flowId, requested ?? 0);
    const document = row.document as unknown as FlowDocument;
    return { document: this.versions.set(organizationId, flowId, version, document, row.bytes), version };
  }

  async resolveDocument(
    organizationId: string,
    flowId: string,
    version: number | 'draft',
  ): Promise<{ document: FlowDocument; version: number | null }> {
    if (version === 'draft') {
      const current = await this.requireFlow(organizationId, flowId);
      return { document: this.runnable(this.analyseStored(current), 'draft'), version: null };
    }
    await this.requireFlowSummary(organizationId, flowId);
    const row = await this.flows.findVersion(organizationId, flowId, version);
    if (!row) throw FlowError.versionNotFound(flowId, version);
    return { document: row.document as unknown as FlowDocument, version: row.number };
  }

  // ------------------------------------------------------------------ files

  /** The draft (or version `version`) as a switchboard.flow/v1 file, layout included. */
  async export(principal: Principal, id: string, version: number | undefined): Promise<FlowExport> {
    if (version === undefined) {
      const current = await this.requireFlow(principal.organizationId, id);
      return {
        fileName: exportFileName(current.name, null),
        document: joinDocument(current.draft, current.layout),
      };
    }
    const current = await this.requireFlowSummary(principal.organizationId, id);
    const row = await this.flows.findVersion(principal.organizationId, id, version);
    if (!row) throw FlowError.versionNotFound(id, version);
    return { fileName: exportFileName(current.name, row.number), document: row.document };
  }

  async listTemplates(query: PageQuery): Promise<Page<FlowTemplate>> {
    const after = decodeTemplateCursor(query.cursor);
    const all = (await this.templates.list()).filter((t) => after === null || t.id > after);
    const page = all.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ id, name, description, purpose }) => ({ id, name, description, purpose })),
      nextCursor: all.length > query.limit && last ? Buffer.from(last.id).toString('base64url') : null,
    };
  }

  // ------------------------------------------------------------------ helpers

  private async requireFlow(organizationId: string, id: string): Promise<FlowEntity> {
    const row = await this.flows.findFlow(organizationId, id);
    if (!row) throw FlowError.flowNotFound(id);
    return row;
  }

  private async requireFlowSummary(organizationId: string, id: string): Promise<FlowListRow> {
    const row = await this.flows.findFlowSummary(organizationId, id);
    if (!row) throw FlowError.flowNotFound(id);
    return row;
  }

  private latestVersion(row: FlowListRow): Promise<FlowVersionRow | null> {
    return row.latestVersion === null
      ? Promise.resolve(null)
      : this.flows.findVersionSummary(row.organizationId, row.id, row.latestVersion);
  }

  /** The stored draft checked afresh (the checks may have grown since it was saved). */
  private analyseStored(row: FlowEntity): AnalysedDraft {
    return analyseDraft(row.draft, row.layout as FlowLayout | null);
  }

  /** The parsed flow when it has no errors; otherwise a 422 naming them. */
  private runnable(draft: AnalysedDraft, where: string): FlowDocument {
    if (draft.flow && draft.summary.errors === 0) return draft.flow;
    throw FlowError.invalid(
      `The ${where} has ${draft.summary.errors} error(s); fix them first (POST /v1/flows/:id/validate lists them)`,
      capDetails(diagnosticDetails(draft.diagnostics, where)),
    );
  }

  private async record(
    manager: EntityManager,
    principal: Principal,
    action: string,
    flowId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.activity.record(
      {
        organizationId: principal.organizationId,
        actor: actorOf(principal),
        action,
        subjectType: 'flow',
        subjectId: flowId,
        details,
      },
      manager,
    );
  }
}

function decodeTemplateCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (/^[a-z0-9][a-z0-9-]*$/.test(id)) return id;
  throw new ApiError(400, 'BAD_REQUEST', 'query.cursor: not a cursor returned by this list', [
    { path: 'query.cursor', message: 'not a cursor returned by this list' },
  ]);
}

function actor(kind: string, id: string, label: string): Actor {
  return { kind: kind as Actor['kind'], id, label };
}

export function toSummary(row: FlowListRow): FlowSummary {
  return {
    id: row.id,
    name: row.name,
    purpose: row.purpose,
    status: row.latestVersion === null ? 'draft' : 'published',
    revision: row.draftRevision,
    latestVersion: row.latestVersion,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    hasUnpublishedChanges: row.publishedChecksum !== row.draftChecksum,
    diagnostics: { errors: row.diagnosticsSummary.errors, warnings: row.diagnosticsSummary.warnings },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toVersionSummary(row: FlowVersionRow): FlowVersionSummary {
  return {
    flowId: row.flowId,
    number: row.number,
    checksum: row.checksum,
    message: row.message,
    author: actor(row.authorKind, row.authorId, row.authorLabel),
    publishedAt: row.publishedAt.toISOString(),
  };
}

export function toDetail(row: FlowEntity, latest: FlowVersionRow | null): FlowDetail {
  return {
    ...toSummary(row),
    document: row.draft,
    layout: row.layout as FlowLayout | null,
    checksum: row.draftChecksum,
    diagnostics: diagnosticsOf(row.diagnostics),
    templateId: row.templateId,
    createdBy: actor(row.createdByKind, row.createdById, row.createdByLabel),
    updatedBy: actor(row.updatedByKind, row.updatedById, row.updatedByLabel),
    versions: { count: row.latestVersion ?? 0, latest: latest ? toVersionSummary(latest) : null },
  };
}
