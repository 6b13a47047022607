import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiErrorSchema,
  CreateFlowBodySchema,
  ExportFlowQuerySchema,
  FlowDetailSchema,
  FlowDiffParamsSchema,
  FlowDiffSchema,
  FlowDocumentJsonSchema,
  FlowListQuerySchema,
  FlowPageSchema,
  FlowParamsSchema,
  FlowTemplateListQuerySchema,
  FlowTemplatePageSchema,
  FlowTestRunSchema,
  FlowValidationSchema,
  FlowVersionPageSchema,
  FlowVersionParamsSchema,
  FlowVersionSchema,
  FlowVersionSummarySchema,
  ImportFlowBodySchema,
  PageQuerySchema,
  PublishFlowBodySchema,
  SaveDraftBodySchema,
  TestFlowBodySchema,
  ValidateFlowBodySchema,
  type CreateFlowBody,
  type FlowDetail,
  type FlowDiffResult,
  type FlowListQuery,
  type FlowSummary,
  type FlowTemplate,
  type FlowTestRun,
  type FlowValidation,
  type FlowVersion,
  type FlowVersionSummary,
  type Page,
  type PageQuery,
  type PublishFlowBody,
  type SaveDraftBody,
} from '@switchboard/contracts';
import { z } from 'zod';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { etagOf } from './flow-document.js';
import { FlowsService } from './flows.service.js';

const TAGS = ['flows'];
const error = (description: string) => ({ description, schema: ApiErrorSchema });
const NOT_FOUND = { 404: error('No such flow in your organisation (FLOW_NOT_FOUND)') };
const BAD_INPUT = { 400: error('Invalid request: every bad field is named in details') };
const NOT_A_FLOW = error('Not a switchboard.flow/v1 document (FLOW_NOT_A_FLOW), the field named');

type FlowParams = z.infer<typeof FlowParamsSchema>;
type FlowVersionParams = z.infer<typeof FlowVersionParamsSchema>;
type FlowDiffParams = z.infer<typeof FlowDiffParamsSchema>;

/** `/v1/flows`: thin — every rule is in FlowsService. */
@Controller('v1/flows')
export class FlowsController {
  constructor(private readonly flows: FlowsService) {}

  @Get()
  @Authorize('flows:read')
  @Route({
    summary: 'List flows',
    description: 'Newest first. `q` searches names (case-insensitive), `status` keeps drafts or published flows.',
    tags: TAGS,
    query: FlowListQuerySchema,
    responses: { 200: { description: 'A page of flows', schema: FlowPageSchema }, ...BAD_INPUT },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: FlowListQuery): Promise<Page<FlowSummary>> {
    return this.flows.list(principal, query);
  }

  @Post()
  @Authorize('flows:write')
  @Route({
    summary: 'Create a flow',
    description:
      'From a `document` or an example flow (`templateId`, see GET /v1/flow-templates). A document with errors is saved; its diagnostics say what is wrong.',
    tags: TAGS,
    body: CreateFlowBodySchema,
    responses: {
      201: { description: 'The new flow (revision 1) with its diagnostics', schema: FlowDetailSchema },
      ...BAD_INPUT,
      422: error('Not a flow document (FLOW_NOT_A_FLOW) or an unknown template (FLOW_TEMPLATE_NOT_FOUND)'),
    },
  })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateFlowBody,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FlowDetail> {
    const flow = await this.flows.create(principal, body);
    res.setHeader('etag', etagOf(flow.revision));
    return flow;
  }

  @Post('import')
  @Authorize('flows:write')
  @Route({
    summary: 'Import a flow file',
    description:
      'The body is a switchboard.flow/v1 document (an export file); it becomes a new flow. Another JSON file or an unknown `schema` is a 422 naming the field.',
    tags: TAGS,
    body: ImportFlowBodySchema,
    responses: {
      201: { description: 'The new flow with its diagnostics', schema: FlowDetailSchema },
      ...BAD_INPUT,
      422: NOT_A_FLOW,
    },
  })
  async import(
    @CurrentPrincipal() principal: Principal,
    @Body() body: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FlowDetail> {
    const flow = await this.flows.import(principal, body);
    res.setHeader('etag', etagOf(flow.revision));
    return flow;
  }

  @Get(':id')
  @Authorize('flows:read')
  @Route({
    summary: 'Get a flow',
    description:
      'The draft (logic and layout apart), its diagnostics and revision (also the `ETag`), and the latest version.',
    tags: TAGS,
    params: FlowParamsSchema,
    responses: { 200: { description: 'The flow', schema: FlowDetailSchema }, ...BAD_INPUT, ...NOT_FOUND },
  })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FlowParams,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FlowDetail> {
    const flow = await this.flows.get(principal, params.id);
    res.setHeader('etag', etagOf(flow.revision));
    return flow;
  }

  @Put(':id')
  @Authorize('flows:write')
  @Route({
    summary: 'Save the draft',
    description:
      'Needs the revision the edit is based on: `If-Match: "<revision>"` or `revision` (`If-Match: *` overwrites whatever is there). A draft with errors is saved and answered with its diagnostics. Omitting `layout` keeps `document.layout`, or else the stored layout; the layout never changes the checksum.',
    tags: TAGS,
    params: FlowParamsSchema,
    body: SaveDraftBodySchema,
    responses: {
      200: { description: 'The saved flow (revision + 1) with its diagnostics', schema: FlowDetailSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      409: error('The draft changed since that revision (FLOW_REVISION_CONFLICT); details name the current one'),
      422: NOT_A_FLOW,
      428: error('No revision given (FLOW_REVISION_REQUIRED)'),
    },
  })
  async save(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FlowParams,
    @Body() body: SaveDraftBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FlowDetail> {
    const flow = await this.flows.saveDraft(principal, params.id, body, ifMatch);
    res.setHeader('etag', etagOf(flow.revision));
    return flow;
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('flows:delete')
  @Route({
    summary: 'Delete a flow',
    description: 'A soft delete: the flow is gone from every route; its published versions are kept for audit.',
    tags: TAGS,
    params: FlowParamsSchema,
    responses: { 204: { description: 'Deleted' }, ...BAD_INPUT, ...NOT_FOUND },
  })
  async remove(@CurrentPrincipal() principal: Principal, @Param() params: FlowParams): Promise<void> {
    await this.flows.remove(principal, params.id);
  }

  @Post(':id/validate')
  @HttpCode(200)
  @Authorize('flows:read')
  @Route({
    summary: 'Check a flow',
    description: 'The diagnostics of the stored draft, or of `document` when given (nothing is saved).',
    tags: TAGS,
    params: FlowParamsSchema,
    body: ValidateFlowBodySchema,
    responses: {
      200: { description: 'Diagnostics', schema: FlowValidationSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      422: NOT_A_FLOW,
    },
  })
  validate(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FlowParams,
    @Body() body: z.infer<typeof ValidateFlowBodySchema>,
  ): Promise<FlowValidation> {
    return this.flows.validate(principal, params.id, body.document);
  }

  @Post(':id/test')
  @HttpCode(200)
  @Authorize('flows:read')
  @Route({
    summary: "Run the draft's scenarios",
    description:
      'Each scenario (all, or those named in `scenarios`) runs on the simulator: passed, failures, path, disposition, transcript.',
    tags: TAGS,
    params: FlowParamsSchema,
    body: TestFlowBodySchema,
    responses: {
      200: { description: 'One result per scenario', schema: FlowTestRunSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      422: error('The draft has errors, or names no such scenario (FLOW_INVALID)'),
    },
  })
  test(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FlowParams,
    @Body() body: z.infer<typeof TestFlowBodySchema>,
  ): Promise<FlowTestRun> {
    return this.flows.test(principal, params.id, body.scenarios);
  }

  @Post(':id/publish')
  @Authorize('flows:publish')
  @Route({
    summary: 'Publish the draft as a new version',
    description:
      'Version n+1, immutable, with the checksum of its logic. Only a draft without errors whose scenarios all pass is published. Logic identical to the latest version is a 409 FLOW_UNCHANGED (a layout-only change is not a version). `If-Match` or `revision` (optional) publish only that revision.',
    tags: TAGS,
    params: FlowParamsSchema,
    body: PublishFlowBodySchema,
    responses: {
      201: { description: 'The new version', schema: FlowVersionSummarySchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      409: error(
        'Nothing changed since the latest version (FLOW_UNCHANGED), or the draft changed (FLOW_REVISION_CONFLICT)',
      ),
      422: error('Errors or failing scenarios (FLOW_NOT_PUBLISHABLE), each in details'),
    },
  })
  publish(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FlowParams,
    @Body() body: PublishFlowBody,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<FlowVersionSummary> {
    return this.flows.publish(principal, params.id, body, ifMatch);
  }

  @Get(':id/versions')
  @Authorize('flows:read')
  @Route({
    summary: 'List the versions of a flow',
    description: 'Newest first.',
    tags: TAGS,
    params: FlowParamsSchema,
    query: PageQuerySchema,
    responses: {
      200: { description: 'A page of versions', schema: FlowVersionPageSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
    },
  })
  versions(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FlowParams,
    @Query() query: PageQuery,
  ): Promise<Page<FlowVersionSummary>> {
    return this.flows.listVersions(principal, params.id, query);
  }

  @Get(':id/versions/:n')
  @Authorize('flows:read')
  @Route({
    summary: 'Get a version',
    tags: TAGS,
    params: FlowVersionParamsSchema,
    responses: {
      200: { description: 'The version with its document', schema: FlowVersionSchema },
      ...BAD_INPUT,
      404: error('No such flow or version (FLOW_NOT_FOUND, FLOW_VERSION_NOT_FOUND)'),
    },
  })
  version(@CurrentPrincipal() principal: Principal, @Param() params: FlowVersionParams): Promise<FlowVersion> {
    return this.flows.getVersion(principal, params.id, params.n);
  }

  @Get(':id/versions/:a/diff/:b')
  @Authorize('flows:read')
  @Route({
    summary: 'Diff two versions',
    description: 'What changed in the logic from version a to version b; the layout is never compared.',
    tags: TAGS,
    params: FlowDiffParamsSchema,
    responses: {
      200: { description: 'The logic diff', schema: FlowDiffSchema },
      ...BAD_INPUT,
      404: error('No such flow or version (FLOW_NOT_FOUND, FLOW_VERSION_NOT_FOUND)'),
    },
  })
  diff(@CurrentPrincipal() principal: Principal, @Param() params: FlowDiffParams): Promise<FlowDiffResult> {
    return this.flows.diff(principal, params.id, params.a, params.b);
  }

  @Get(':id/export')
  @Authorize('flows:read')
  @Route({
    summary: 'Export a flow file',
    description: 'The draft (or `?version=n`) as a switchboard.flow/v1 document with its layout, as an attachment.',
    tags: TAGS,
    params: FlowParamsSchema,
    query: ExportFlowQuerySchema,
    responses: {
      200: { description: 'The flow file', schema: FlowDocumentJsonSchema },
      ...BAD_INPUT,
      404: error('No such flow or version (FLOW_NOT_FOUND, FLOW_VERSION_NOT_FOUND)'),
    },
  })
  async export(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FlowParams,
    @Query() query: z.infer<typeof ExportFlowQuerySchema>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const file = await this.flows.export(principal, params.id, query.version);
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${file.fileName}"`);
    return `${JSON.stringify(file.document, null, 2)}\n`;
  }
}

/** `/v1/flow-templates`: the example flows a new flow can start from. */
@Controller('v1/flow-templates')
export class FlowTemplatesController {
  constructor(private readonly flows: FlowsService) {}

  @Get()
  @Authorize('flows:read')
  @Route({
    summary: 'List flow templates',
    description: 'The example flows (id = file name without .flow.json); create one with POST /v1/flows {templateId}.',
    tags: TAGS,
    query: FlowTemplateListQuerySchema,
    responses: { 200: { description: 'A page of templates', schema: FlowTemplatePageSchema }, ...BAD_INPUT },
  })
  list(@Query() query: PageQuery): Promise<Page<FlowTemplate>> {
    return this.flows.listTemplates(query);
  }
}
