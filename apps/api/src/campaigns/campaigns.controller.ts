import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import {
  AddContactsQuerySchema,
  AddContactsResultSchema,
  ApiErrorSchema,
  CallListQuerySchema,
  CallPageSchema,
  CampaignContactListQuerySchema,
  CampaignContactPageSchema,
  CampaignDetailSchema,
  CampaignListQuerySchema,
  CampaignPageSchema,
  CampaignParamsSchema,
  CreateCampaignBodySchema,
  type AddContactsQuery,
  type AddContactsResult,
  type Call,
  type CallListQuery,
  type CampaignContact,
  type CampaignContactListQuery,
  type CampaignDetail,
  type CampaignListQuery,
  type CreateCampaignBody,
  type Page,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { ApiError } from '../common/errors/api-error.js';
import { Route } from '../common/validation/route-spec.js';
import { CampaignsService } from './campaigns.service.js';
import { parseCsvContacts, parseJsonContacts } from './contact-import.js';

type CampaignParams = z.infer<typeof CampaignParamsSchema>;
const error = (description: string) => ({ description, schema: ApiErrorSchema });
const BAD_INPUT = { 400: error('Invalid request: every bad field is named in details') };
const NOT_FOUND = { 404: error('No such campaign in your organisation (CAMPAIGN_NOT_FOUND)') };
const WRONG_STATUS = { 409: error('The campaign is not in a status this action applies to (CAMPAIGN_WRONG_STATUS)') };

/** `/v1/campaigns`: thin — the rules are in CampaignsService and CampaignPlanner. */
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @Authorize('campaigns:write')
  @Route({
    summary: 'Create a campaign',
    description:
      'A draft campaign: the flow version is pinned (the latest published one unless `version` is given), the ' +
      "operator's window (the callee's local time; it narrows the legal window, never widens it), pacing, retries, " +
      'start and end. Nothing is dialled before `start`.',
    tags: ['campaigns'],
    body: CreateCampaignBodySchema,
    responses: {
      201: { description: 'The draft campaign', schema: CampaignDetailSchema },
      ...BAD_INPUT,
      404: error('Unknown flow (CAMPAIGN_FLOW_NOT_FOUND), `body.flowId` named'),
      422: error('Unpublished flow or unknown version, or variables that do not fit the flow, each named'),
    },
  })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateCampaignBody): Promise<CampaignDetail> {
    return this.campaigns.create(principal, body);
  }

  @Get()
  @Authorize('campaigns:read')
  @Route({
    summary: 'List campaigns',
    description: 'Newest first, optionally of one status; each with its live counters.',
    tags: ['campaigns'],
    query: CampaignListQuerySchema,
    responses: { 200: { description: 'A page of campaigns', schema: CampaignPageSchema }, ...BAD_INPUT },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: CampaignListQuery): Promise<Page<CampaignDetail>> {
    return this.campaigns.list(principal, query);
  }

  @Get(':id')
  @Authorize('campaigns:read')
  @Route({
    summary: 'Get a campaign',
    description: 'The campaign and its live counters (contacts by state, by disposition, blocked by reason).',
    tags: ['campaigns'],
    params: CampaignParamsSchema,
    responses: { 200: { description: 'The campaign', schema: CampaignDetailSchema }, ...BAD_INPUT, ...NOT_FOUND },
  })
  get(@CurrentPrincipal() principal: Principal, @Param() params: CampaignParams): Promise<CampaignDetail> {
    return this.campaigns.get(principal, params.id);
  }

  @Post(':id/contacts')
  @HttpCode(200)
  @Authorize('campaigns:write')
  @Route({
    summary: 'Add contacts',
    description:
      'Either `application/json` `{ contacts: [{ phone, variables?, externalId?, simulation? }] }`, or `text/csv` ' +
      '(header row first) with the column mapping in the query: `phone=<column>`, `externalId=<column>`, ' +
      '`simulation=<column>` (the simulated callee: JSON, or answers per attempt like `no_answer|human`), ' +
      '`var.<name>=<column>` (default: the `phone` column, and every column named like a flow input variable). ' +
      'Bad rows are reported and the good ones kept; a number already in the campaign (or earlier in the upload) ' +
      'is merged, not added twice. Up to 100,000 contacts per request. A running campaign plans them at once.',
    tags: ['campaigns'],
    params: CampaignParamsSchema,
    query: AddContactsQuerySchema,
    responses: {
      200: { description: 'What was added, merged and rejected', schema: AddContactsResultSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      ...WRONG_STATUS,
      413: error('More than 100,000 contacts (CAMPAIGN_TOO_MANY_CONTACTS)'),
      415: error('Neither application/json nor text/csv'),
    },
  })
  async addContacts(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CampaignParams,
    @Query() query: AddContactsQuery,
    @Req() req: Request,
  ): Promise<AddContactsResult> {
    const { campaign, document } = await this.campaigns.flowOf(principal, params.id);
    let parsed;
    if (req.is('text/csv')) {
      parsed = await parseCsvContacts(req, query, document, campaign.variables);
    } else if (req.is(['application/json', 'application/*+json'])) {
      if (Object.keys(query).length > 0) {
        const key = Object.keys(query)[0] ?? '';
        throw new ApiError(400, 'BAD_REQUEST', `query.${key}: a column mapping applies to text/csv bodies only`, [
          { path: `query.${key}`, message: 'a column mapping applies to text/csv bodies only' },
        ]);
      }
      parsed = parseJsonContacts(req.body, document, campaign.variables);
    } else {
      const given = req.headers['content-type'] ?? 'none';
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `The body must be application/json or text/csv (${given})`, [
        { path: 'headers.content-type', message: 'must be application/json or text/csv' },
      ]);
    }
    return this.campaigns.addContacts(principal, params.id, parsed);
  }

  @Get(':id/contacts')
  @Authorize('campaigns:read')
  @Route({
    summary: "List a campaign's contacts",
    description:
      'Per-contact state, attempts and last call; numbers masked unless the caller may read compliance data.',
    tags: ['campaigns'],
    params: CampaignParamsSchema,
    query: CampaignContactListQuerySchema,
    responses: {
      200: { description: 'A page of contacts', schema: CampaignContactPageSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
    },
  })
  contacts(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CampaignParams,
    @Query() query: CampaignContactListQuery,
  ): Promise<Page<CampaignContact>> {
    return this.campaigns.listContacts(principal, params.id, query);
  }

  @Get(':id/calls')
  @Authorize('calls:read')
  @Route({
    summary: "List a campaign's calls",
    description: 'Every attempt of the campaign, newest first (the same as `GET /v1/calls?campaignId=`).',
    tags: ['campaigns'],
    params: CampaignParamsSchema,
    query: CallListQuerySchema,
    responses: { 200: { description: 'A page of calls', schema: CallPageSchema }, ...BAD_INPUT, ...NOT_FOUND },
  })
  calls(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CampaignParams,
    @Query() query: CallListQuery,
  ): Promise<Page<Call>> {
    return this.campaigns.listCalls(principal, params.id, query);
  }

  @Post(':id/start')
  @HttpCode(200)
  @Authorize('campaigns:write')
  @Route({
    summary: 'Start a campaign',
    description:
      'draft → running. Refused (422) when the pinned flow fails the compliance lints or there are no contacts. ' +
      'Every contact is planned: the first instant the window, the legal window and the pacing allow.',
    tags: ['campaigns'],
    params: CampaignParamsSchema,
    responses: {
      200: { description: 'The running campaign', schema: CampaignDetailSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      ...WRONG_STATUS,
      422: error('CAMPAIGN_FLOW_FAILS_COMPLIANCE (the lints named) or CAMPAIGN_NO_CONTACTS'),
    },
  })
  start(@CurrentPrincipal() principal: Principal, @Param() params: CampaignParams): Promise<CampaignDetail> {
    return this.campaigns.start(principal, params.id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Authorize('campaigns:write')
  @Route({
    summary: 'Pause a campaign',
    description: 'running → paused: nothing new dials; waiting calls are withdrawn, calls in progress finish.',
    tags: ['campaigns'],
    params: CampaignParamsSchema,
    responses: {
      200: { description: 'The paused campaign', schema: CampaignDetailSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      ...WRONG_STATUS,
    },
  })
  pause(@CurrentPrincipal() principal: Principal, @Param() params: CampaignParams): Promise<CampaignDetail> {
    return this.campaigns.pause(principal, params.id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Authorize('campaigns:write')
  @Route({
    summary: 'Resume a campaign',
    description: 'paused → running: every contact that is not done is planned again.',
    tags: ['campaigns'],
    params: CampaignParamsSchema,
    responses: {
      200: { description: 'The running campaign', schema: CampaignDetailSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      ...WRONG_STATUS,
    },
  })
  resume(@CurrentPrincipal() principal: Principal, @Param() params: CampaignParams): Promise<CampaignDetail> {
    return this.campaigns.resume(principal, params.id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authorize('campaigns:write')
  @Route({
    summary: 'Cancel a campaign',
    description: 'Every contact not done is cancelled with its waiting call; calls already dialling finish.',
    tags: ['campaigns'],
    params: CampaignParamsSchema,
    responses: {
      200: { description: 'The cancelled campaign', schema: CampaignDetailSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      ...WRONG_STATUS,
    },
  })
  cancel(@CurrentPrincipal() principal: Principal, @Param() params: CampaignParams): Promise<CampaignDetail> {
    return this.campaigns.cancel(principal, params.id);
  }
}
