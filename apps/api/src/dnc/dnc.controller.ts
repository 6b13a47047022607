import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiErrorSchema, type Page } from '@switchboard/contracts';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { DncImportService } from './dnc-import.service.js';
import {
  DncFreshnessSchema,
  DncImportAcceptedSchema,
  DncImportParamsSchema,
  DncImportQuerySchema,
  DncImportStatusSchema,
  DncSnapshotListQuerySchema,
  DncSnapshotPageSchema,
  DncStateParamsSchema,
  type DncFreshness,
  type DncImportAccepted,
  type DncImportQuery,
  type DncImportStatus,
  type DncSnapshotListQuery,
  type DncSnapshotSummary,
  type DncStateParams,
} from './dnc.schemas.js';

const TAGS = ['dnc'];
const error = (description: string) => ({ description, schema: ApiErrorSchema });
const BAD_INPUT = { 400: error('Invalid request (every bad field is named in details) or an empty upload') };
const UPLOAD_DESCRIPTION =
  'The body is the registry download as text (`Content-Type: text/plain`): one or more area-code files ' +
  'concatenated, one 10-digit number per line. It is streamed to disk and imported by a background job ' +
  '(queue `dnc-import`); follow it with GET /v1/dnc/imports/{jobId}. `mode=full` replaces the list, ' +
  '`additions`/`deletions` apply a change list to the current snapshot (only the area codes it touches are ' +
  'rewritten). The new snapshot becomes current only when complete. More than 1 % malformed lines refuses the ' +
  'whole snapshot (the previous one stays current).';
const IMPORT_RESPONSES = {
  202: { description: 'Import queued', schema: DncImportAcceptedSchema },
  ...BAD_INPUT,
  409: error(
    'A change list without a current snapshot (DNC_NO_BASE_SNAPSHOT) or dated before it (DNC_CHANGE_LIST_TOO_OLD)',
  ),
  415: error('The upload is not text/plain (DNC_UPLOAD_MEDIA_TYPE)'),
};

type JobParams = { jobId: string };

/** `/v1/dnc/national`, `/v1/dnc/states/:state`, `/v1/dnc/imports/:jobId`: thin — the rules are in DncImportService. */
@Controller('v1/dnc')
export class DncController {
  constructor(private readonly imports: DncImportService) {}

  @Post('national/import')
  @HttpCode(202)
  @Authorize('compliance:write')
  @Route({
    summary: 'Import the national DNC registry',
    description: UPLOAD_DESCRIPTION,
    tags: TAGS,
    query: DncImportQuerySchema,
    responses: IMPORT_RESPONSES,
  })
  importNational(
    @CurrentPrincipal() principal: Principal,
    @Query() query: DncImportQuery,
    @Req() req: Request,
  ): Promise<DncImportAccepted> {
    return this.imports.startImport(
      principal,
      { kind: 'national', state: '' },
      query,
      req.headers['content-type'],
      req,
    );
  }

  @Post('states/:state/import')
  @HttpCode(202)
  @Authorize('compliance:write')
  @Route({
    summary: "Import a state's DNC list",
    description: `For CO, FL, IN, LA, MA, MO, MS, OK, PA, TN, TX, WY. ${UPLOAD_DESCRIPTION}`,
    tags: TAGS,
    params: DncStateParamsSchema,
    query: DncImportQuerySchema,
    responses: IMPORT_RESPONSES,
  })
  importState(
    @CurrentPrincipal() principal: Principal,
    @Param() params: DncStateParams,
    @Query() query: DncImportQuery,
    @Req() req: Request,
  ): Promise<DncImportAccepted> {
    return this.imports.startImport(
      principal,
      { kind: 'state', state: params.state },
      query,
      req.headers['content-type'],
      req,
    );
  }

  @Get('imports/:jobId')
  @Authorize('compliance:read')
  @Route({
    summary: 'Follow a DNC import',
    description:
      'Progress while it runs (lines read, numbers set, malformed lines), then the snapshot it built or why it was refused.',
    tags: TAGS,
    params: DncImportParamsSchema,
    responses: {
      200: { description: 'The import', schema: DncImportStatusSchema },
      404: error('No such import in your organisation (DNC_IMPORT_NOT_FOUND)'),
    },
  })
  importStatus(@CurrentPrincipal() principal: Principal, @Param() params: JobParams): Promise<DncImportStatus> {
    return this.imports.importStatus(principal.organizationId, params.jobId);
  }

  @Get('snapshots')
  @Authorize('compliance:read')
  @Route({
    summary: 'List DNC snapshots',
    description:
      'Every import of your organisation, newest first: national and state lists, ready, refused or still importing. `list` is `national` or a state code.',
    tags: TAGS,
    query: DncSnapshotListQuerySchema,
    responses: { 200: { description: 'A page of snapshots', schema: DncSnapshotPageSchema }, ...BAD_INPUT },
  })
  snapshots(
    @CurrentPrincipal() principal: Principal,
    @Query() query: DncSnapshotListQuery,
  ): Promise<Page<DncSnapshotSummary>> {
    return this.imports.listSnapshots(principal.organizationId, query);
  }

  @Get('national')
  @Authorize('compliance:read')
  @Route({
    summary: 'The current national DNC snapshot and its freshness',
    tags: TAGS,
    responses: {
      200: { description: 'The snapshot calls are checked against now', schema: DncFreshnessSchema },
      404: error('No national snapshot imported yet (DNC_SNAPSHOT_NOT_FOUND)'),
    },
  })
  national(@CurrentPrincipal() principal: Principal): Promise<DncFreshness> {
    return this.imports.freshness(principal.organizationId, { kind: 'national', state: '' });
  }

  @Get('states/:state')
  @Authorize('compliance:read')
  @Route({
    summary: "A state's current DNC snapshot and its freshness",
    tags: TAGS,
    params: DncStateParamsSchema,
    responses: {
      200: { description: 'The snapshot calls are checked against now', schema: DncFreshnessSchema },
      ...BAD_INPUT,
      404: error('No snapshot of this state imported yet (DNC_SNAPSHOT_NOT_FOUND)'),
    },
  })
  state(@CurrentPrincipal() principal: Principal, @Param() params: DncStateParams): Promise<DncFreshness> {
    return this.imports.freshness(principal.organizationId, { kind: 'state', state: params.state });
  }
}
