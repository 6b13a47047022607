import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import {
  ApiErrorSchema,
  AuditVerifySchema,
  CallerIdPageSchema,
  CallerIdSchema,
  ComplianceCheckBodySchema,
  ComplianceDecisionPageSchema,
  ComplianceDecisionRecordSchema,
  CreateCallerIdBodySchema,
  CreateEmergencyBodySchema,
  DecisionListQuerySchema,
  EmergencyPageSchema,
  EmergencySchema,
  PageQuerySchema,
  PutSellerProfileBodySchema,
  RecordBusinessRelationshipBodySchema,
  RecordedFactSchema,
  RecordReassignedCheckBodySchema,
  type RecordBusinessRelationshipBody,
  type RecordedFact,
  type RecordReassignedCheckBody,
  SellerProfileSchema,
  type PutSellerProfileBody,
  type SellerProfile,
  type AuditVerify,
  type CallerId,
  type ComplianceCheckBody,
  type ComplianceDecisionRecord,
  type CreateCallerIdBody,
  type CreateEmergencyBody,
  type DecisionListQuery,
  type Emergency,
  type Page,
  type PageQuery,
} from '@switchboard/contracts';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { ComplianceError } from './compliance.errors.js';
import { ComplianceService } from './compliance.service.js';

const error = (description: string) => ({ description, schema: ApiErrorSchema });
const BAD_INPUT = { 400: error('Invalid request: every bad field is named in details') };
const FORBIDDEN = { 403: error('Missing permission') };

/** `/v1/compliance`: the gate's dry run, the decision log, emergencies. Thin: rules are in the services. */
@Controller('v1/compliance')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Post('check')
  @HttpCode(200)
  @Route({
    summary: 'Dry-run the compliance gate',
    description:
      "Builds the evaluator input from your organisation's consents, revocations, internal DNC, registries, attempts, EBR, emergencies and caller ids, evaluates it, and logs the decision with `dryRun: true`. Changes no evidence. Fails closed (BLOCKED_EVALUATION_FAILED) when an input cannot be loaded. Open to compliance:read or compliance:write; numbers masked without compliance:read.",
    tags: ['compliance'],
    body: ComplianceCheckBodySchema,
    responses: {
      200: { description: 'The logged decision', schema: ComplianceDecisionRecordSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
      503: error('The decision could not be logged'),
    },
  })
  check(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ComplianceCheckBody,
  ): Promise<ComplianceDecisionRecord> {
    return this.compliance.check(principal, body);
  }

  @Get('decisions')
  @Authorize('compliance:read')
  @Route({
    summary: 'Search the decision log',
    description: 'Newest first; `phone` in any format, `outcome`, `from` ≤ createdAt < `to`.',
    tags: ['compliance'],
    query: DecisionListQuerySchema,
    responses: {
      200: { description: 'A page of decisions', schema: ComplianceDecisionPageSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
    },
  })
  decisions(
    @CurrentPrincipal() principal: Principal,
    @Query() query: DecisionListQuery,
  ): Promise<Page<ComplianceDecisionRecord>> {
    return this.compliance.listDecisions(principal, query);
  }

  @Get('seller')
  @Route({
    summary: 'The seller consents must name',
    description: "The organisation's legal name as the gate matches it against the sellers a consent names.",
    tags: ['compliance'],
    responses: { 200: { description: 'The seller', schema: SellerProfileSchema }, ...FORBIDDEN },
  })
  seller(@CurrentPrincipal() principal: Principal): Promise<SellerProfile> {
    ComplianceError.requireAny(principal, ['compliance:read', 'compliance:write']);
    return this.compliance.seller(principal);
  }

  @Put('seller')
  @Authorize('compliance:write', 'members:manage')
  @Route({
    summary: "Set the seller's legal name (admin only)",
    description:
      'Consents are judged against it from the next evaluation on (stored E1–E8 results keep what they showed when recorded).',
    tags: ['compliance'],
    body: PutSellerProfileBodySchema,
    responses: { 200: { description: 'The seller', schema: SellerProfileSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  setSeller(@CurrentPrincipal() principal: Principal, @Body() body: PutSellerProfileBody): Promise<SellerProfile> {
    return this.compliance.setSeller(principal, body.legalName);
  }

  @Get('emergencies')
  @Route({
    summary: 'List declared states of emergency',
    tags: ['compliance'],
    query: PageQuerySchema,
    responses: {
      200: { description: 'A page of emergencies', schema: EmergencyPageSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
    },
  })
  emergencies(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery): Promise<Page<Emergency>> {
    ComplianceError.requireAny(principal, ['compliance:read', 'compliance:write']);
    return this.compliance.listEmergencies(principal, query);
  }

  @Post('business-relationships')
  @Authorize('compliance:write')
  @Route({
    summary: 'Record an existing business relationship (EBR) with a number',
    description:
      'A purchase (EBR for 18 months) or an inquiry (3 months) exempts telemarketing from the national and state DNC lists (C08/C09) and from the Oregon cap. The gate reads the latest record per number.',
    tags: ['compliance'],
    body: RecordBusinessRelationshipBodySchema,
    responses: { 201: { description: 'Recorded', schema: RecordedFactSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  recordBusinessRelationship(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RecordBusinessRelationshipBody,
  ): Promise<RecordedFact> {
    return this.compliance.recordBusinessRelationship(principal, body);
  }

  @Post('reassigned-checks')
  @Authorize('compliance:write')
  @Route({
    summary: 'Record a Reassigned Numbers Database answer',
    description:
      'YES means the number was disconnected since the consent was given: calls relying on older consent are blocked (C11). The gate uses the latest answer queried at or before the call.',
    tags: ['compliance'],
    body: RecordReassignedCheckBodySchema,
    responses: { 201: { description: 'Recorded', schema: RecordedFactSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  recordReassignedCheck(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RecordReassignedCheckBody,
  ): Promise<RecordedFact> {
    return this.compliance.recordReassignedCheck(principal, body);
  }

  @Post('emergencies')
  @Authorize('compliance:write')
  @Route({
    summary: 'Declare a state of emergency',
    description:
      'Interval [from, to) (open-ended without `to`); telemarketing to that state is blocked in it where the state bans it (LA).',
    tags: ['compliance'],
    body: CreateEmergencyBodySchema,
    responses: { 201: { description: 'The emergency', schema: EmergencySchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  addEmergency(@CurrentPrincipal() principal: Principal, @Body() body: CreateEmergencyBody): Promise<Emergency> {
    return this.compliance.addEmergency(principal, body);
  }
}

/** `/v1/audit/verify`: recomputes the decision log's hash chain. */
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly compliance: ComplianceService) {}

  @Get('verify')
  @Authorize('compliance:read')
  @Route({
    summary: 'Verify the decision log',
    description: "Recomputes every hash of your organisation's chain; names the first row that does not hold.",
    tags: ['compliance'],
    responses: { 200: { description: 'The verification', schema: AuditVerifySchema }, ...FORBIDDEN },
  })
  verify(@CurrentPrincipal() principal: Principal): Promise<AuditVerify> {
    return this.compliance.verify(principal);
  }
}

/** `/v1/caller-ids`: the numbers the organisation owns and may present (C03). */
@Controller('v1/caller-ids')
export class CallerIdsController {
  constructor(private readonly compliance: ComplianceService) {}

  @Get()
  @Route({
    summary: 'List caller ids',
    tags: ['compliance'],
    query: PageQuerySchema,
    responses: { 200: { description: 'A page of caller ids', schema: CallerIdPageSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery): Promise<Page<CallerId>> {
    ComplianceError.requireAny(principal, ['compliance:read', 'compliance:write']);
    return this.compliance.listCallerIds(principal, query);
  }

  @Post()
  @Authorize('compliance:write')
  @Route({
    summary: 'Register a caller id',
    description:
      '`verifiedOwned` says the organisation has verified it owns the number; an unverified one blocks (CALLER_ID_INVALID).',
    tags: ['compliance'],
    body: CreateCallerIdBodySchema,
    responses: {
      201: { description: 'The caller id', schema: CallerIdSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
      409: error('Already registered (CALLER_ID_EXISTS)'),
    },
  })
  add(@CurrentPrincipal() principal: Principal, @Body() body: CreateCallerIdBody): Promise<CallerId> {
    return this.compliance.addCallerId(principal, body);
  }
}
