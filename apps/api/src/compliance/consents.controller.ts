import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiErrorSchema,
  ConsentListQuerySchema,
  ConsentPageSchema,
  ConsentSchema,
  CreateConsentBodySchema,
  CreateInternalDncBodySchema,
  CreateRevocationBodySchema,
  DeleteInternalDncQuerySchema,
  DeleteInternalDncResultSchema,
  DisputeConsentBodySchema,
  IdParamsSchema,
  ImportConsentsBodySchema,
  ImportConsentsResultSchema,
  InternalDncEntrySchema,
  InternalDncListQuerySchema,
  InternalDncPageSchema,
  RevocationListQuerySchema,
  RevocationPageSchema,
  RevocationSchema,
  type Consent,
  type ConsentListQuery,
  type CreateConsentBody,
  type CreateInternalDncBody,
  type CreateRevocationBody,
  type DeleteInternalDncQuery,
  type DisputeConsentBody,
  type ImportConsentsBody,
  type ImportConsentsResult,
  type InternalDncEntry,
  type InternalDncListQuery,
  type Page,
  type Revocation,
  type RevocationListQuery,
} from '@switchboard/contracts';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { ComplianceError } from './compliance.errors.js';
import { ConsentsService } from './consents.service.js';

const error = (description: string) => ({ description, schema: ApiErrorSchema });
const BAD_INPUT = {
  400: error('Invalid request (every bad field named), or a number that cannot be read (INVALID_PHONE)'),
};
const FORBIDDEN = { 403: error('Missing permission') };
const READERS =
  'Callers with compliance:read (admin, compliance) see whole numbers; compliance:write alone (operator) sees them masked.';

/** `/v1/consents`: consent evidence (never edited; a dispute is a new record). Thin: rules are in ConsentsService. */
@Controller('v1/consents')
export class ConsentsController {
  constructor(private readonly consents: ConsentsService) {}

  @Post()
  @Authorize('compliance:write')
  @Route({
    summary: 'Record consent evidence',
    description:
      'Stores the evidence verbatim (disclosure text and its SHA-256 computed by the API, capture time, page URL, IP, user agent, signature method and affirmative act, sellers, scope, type, certificate URL); the number is normalised to E.164 and must be a US geographic number. Elements E1–E8 are judged and stored with it. Consents are never edited.',
    tags: ['consents'],
    body: CreateConsentBodySchema,
    responses: {
      201: { description: 'The stored consent with its E1–E8 results', schema: ConsentSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
    },
  })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateConsentBody): Promise<Consent> {
    return this.consents.create(principal, body);
  }

  @Post('import')
  @Authorize('compliance:write')
  @Route({
    summary: 'Import consents from CSV',
    description:
      'Good rows are kept; every bad row is reported with its line number and reasons (unreadable, non-US or toll-free number, missing disclosure, bad date…). 200 when every row was imported, 207 otherwise.',
    tags: ['consents'],
    body: ImportConsentsBodySchema,
    responses: {
      200: { description: 'Every row imported', schema: ImportConsentsResultSchema },
      207: { description: 'Some rows rejected (named by line)', schema: ImportConsentsResultSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
    },
  })
  async import(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ImportConsentsBody,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportConsentsResult> {
    const result = await this.consents.import(principal, body.csv);
    res.status(result.rejected.length > 0 ? 207 : 200);
    return result;
  }

  @Get()
  @Route({
    summary: 'List consents',
    description: `Newest first; \`phone\` in any format. ${READERS}`,
    tags: ['consents'],
    query: ConsentListQuerySchema,
    responses: { 200: { description: 'A page of consents', schema: ConsentPageSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ConsentListQuery): Promise<Page<Consent>> {
    ComplianceError.requireAny(principal, ['compliance:read', 'compliance:write']);
    return this.consents.list(principal, query);
  }

  @Get(':id')
  @Route({
    summary: 'Get a consent',
    description: `The evidence, its E1–E8 results and its dispute, if any. ${READERS}`,
    tags: ['consents'],
    params: IdParamsSchema,
    responses: {
      200: { description: 'The consent', schema: ConsentSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
      404: error('No such consent in your organisation (CONSENT_NOT_FOUND)'),
    },
  })
  get(@CurrentPrincipal() principal: Principal, @Param() params: { id: string }): Promise<Consent> {
    ComplianceError.requireAny(principal, ['compliance:read', 'compliance:write']);
    return this.consents.get(principal, params.id);
  }

  @Post(':id/dispute')
  @HttpCode(200)
  @Route({
    summary: 'Mark a consent disputed',
    description:
      'A new dispute record (the consent itself is never changed); from now on the gate leaves the consent out, so calls relying on it are blocked at once. Compliance reviewers may dispute (COMPLIANCE.md: reviewers mark consents disputed) as well as admins and operators.',
    tags: ['consents'],
    params: IdParamsSchema,
    body: DisputeConsentBodySchema,
    responses: {
      200: { description: 'The consent, now disputed', schema: ConsentSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
      404: error('No such consent in your organisation (CONSENT_NOT_FOUND)'),
      409: error('Already disputed (CONSENT_ALREADY_DISPUTED)'),
    },
  })
  dispute(
    @CurrentPrincipal() principal: Principal,
    @Param() params: { id: string },
    @Body() body: DisputeConsentBody,
  ): Promise<Consent> {
    ComplianceError.requireAny(principal, ['compliance:read', 'compliance:write']);
    return this.consents.dispute(principal, params.id, body.reason);
  }
}

/** `/v1/revocations`: a revocation revokes every consent of the number for this seller, at once. */
@Controller('v1/revocations')
export class RevocationsController {
  constructor(private readonly consents: ConsentsService) {}

  @Post()
  @Authorize('compliance:write')
  @Route({
    summary: 'Record a revocation of consent',
    description:
      "By any reasonable means (channel voice, dtmf, sms, email, web, verbal, other), with the consumer's words verbatim and when they were received; `honouredAt` is when it was stored, from which instant every evaluation sees it.",
    tags: ['consents'],
    body: CreateRevocationBodySchema,
    responses: { 201: { description: 'The revocation', schema: RevocationSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateRevocationBody): Promise<Revocation> {
    return this.consents.revoke(principal, body);
  }

  @Get()
  @Route({
    summary: 'List revocations',
    description: `Newest first; \`phone\` in any format. ${READERS}`,
    tags: ['consents'],
    query: RevocationListQuerySchema,
    responses: {
      200: { description: 'A page of revocations', schema: RevocationPageSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
    },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: RevocationListQuery): Promise<Page<Revocation>> {
    ComplianceError.requireAny(principal, ['compliance:read', 'compliance:write']);
    return this.consents.listRevocations(principal, query);
  }
}

/** `/v1/dnc/internal`: the seller's own do-not-call list; entries never expire by themselves. */
@Controller('v1/dnc/internal')
export class InternalDncController {
  constructor(private readonly consents: ConsentsService) {}

  @Get()
  @Route({
    summary: 'List the internal DNC list',
    description: `Active entries, newest first (\`includeRemoved=true\` adds removed ones, with who removed them and why). ${READERS}`,
    tags: ['dnc'],
    query: InternalDncListQuerySchema,
    responses: { 200: { description: 'A page of entries', schema: InternalDncPageSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: InternalDncListQuery,
  ): Promise<Page<InternalDncEntry>> {
    ComplianceError.requireAny(principal, ['compliance:read', 'compliance:write']);
    return this.consents.listInternalDnc(principal, query);
  }

  @Post()
  @Authorize('compliance:write')
  @Route({
    summary: 'Add a number to the internal DNC list',
    description: 'Honoured at once by every evaluation; overrides consent and EBR; never expires by itself.',
    tags: ['dnc'],
    body: CreateInternalDncBodySchema,
    responses: { 201: { description: 'The entry', schema: InternalDncEntrySchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  add(@CurrentPrincipal() principal: Principal, @Body() body: CreateInternalDncBody): Promise<InternalDncEntry> {
    return this.consents.addInternalDnc(principal, body);
  }

  @Delete()
  @Authorize('compliance:write', 'members:manage')
  @Route({
    summary: 'Remove a number from the internal DNC list (admin only)',
    description:
      "Marks the number's active entries removed, recording who and why (`reason` is required); the entries stay as evidence. Only an admin may do this.",
    tags: ['dnc'],
    query: DeleteInternalDncQuerySchema,
    responses: {
      200: { description: 'How many entries were removed', schema: DeleteInternalDncResultSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
      404: error('The number is not on the list (DNC_ENTRY_NOT_FOUND)'),
    },
  })
  remove(
    @CurrentPrincipal() principal: Principal,
    @Query() query: DeleteInternalDncQuery,
  ): Promise<{ removed: number }> {
    return this.consents.removeInternalDnc(principal, query);
  }
}
