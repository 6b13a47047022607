import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiErrorSchema,
  CallClaimSchema,
  CallCreatedSchema,
  CallEventsAckSchema,
  CallEventsBodySchema,
  CallLeaseSchema,
  CallListQuerySchema,
  CallOptOutBodySchema,
  CallOptOutResultSchema,
  CallPageSchema,
  CallParamsSchema,
  CallSchema,
  ClaimCallBodySchema,
  CompleteCallBodySchema,
  CreateCallBodySchema,
  RenewCallLeaseBodySchema,
  type Call,
  type CallClaim,
  type CallCreated,
  type CallEventsBody,
  type CallLease,
  type CallListQuery,
  type CallOptOutBody,
  type ClaimCallBody,
  type CompleteCallBody,
  type CreateCallBody,
  type Page,
  type RenewCallLeaseBody,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { Authorize, CurrentPrincipal, WorkerOnly, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { checkIdempotencyKey } from './calls.errors.js';
import { CallsService } from './calls.service.js';

type CallParams = z.infer<typeof CallParamsSchema>;
const error = (description: string) => ({ description, schema: ApiErrorSchema });
const BAD_INPUT = { 400: error('Invalid request: every bad field is named in details') };
const NOT_FOUND = { 404: error('No such call in your organisation (CALL_NOT_FOUND)') };

/** `/v1/calls`: thin — every rule is in CallsService. */
@Controller('v1/calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post()
  @Authorize('calls:write')
  @Route({
    summary: 'Place a call',
    description:
      'Pins the flow version (the latest published one unless `version` is given), checks the variables against ' +
      "the flow's input variables and runs the compliance gate at once (SCHEDULE mode): a block answers 202 with " +
      'status `blocked` and nothing is queued; a deferral schedules the call at `nextAllowedAt`; otherwise it is ' +
      'queued (at `scheduleAt` when given). Send an `Idempotency-Key` header to retry safely: the same key and body ' +
      'answer the same call (200); the same key with another body is a 409. Keys are kept 24 h per organisation.',
    tags: ['calls'],
    body: CreateCallBodySchema,
    responses: {
      202: { description: 'The call, queued, scheduled or blocked, with the decision', schema: CallCreatedSchema },
      200: { description: 'The call created earlier with this Idempotency-Key and body', schema: CallCreatedSchema },
      ...BAD_INPUT,
      404: error('Unknown flow or version (CALL_FLOW_NOT_FOUND, CALL_FLOW_VERSION_NOT_FOUND), the field named'),
      409: error('Idempotency-Key already used with another body (CALL_IDEMPOTENCY_CONFLICT)'),
      422: error('The flow has no published version, or the variables do not fit it, each named'),
    },
  })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateCallBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CallCreated> {
    const { result, replayed } = await this.calls.create(principal, body, checkIdempotencyKey(idempotencyKey));
    res.status(replayed ? 200 : 202);
    return result;
  }

  @Get()
  @Authorize('calls:read')
  @Route({
    summary: 'List calls',
    description:
      'Newest first, optionally of one status. Numbers are masked unless the caller may read compliance data.',
    tags: ['calls'],
    query: CallListQuerySchema,
    responses: { 200: { description: 'A page of calls', schema: CallPageSchema }, ...BAD_INPUT },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: CallListQuery): Promise<Page<Call>> {
    return this.calls.list(principal, query);
  }

  @Get(':id')
  @Authorize('calls:read')
  @Route({
    summary: 'Get a call',
    description: 'Status, decisions, attempt, path, transcript, variables, disposition, events and the flow version.',
    tags: ['calls'],
    params: CallParamsSchema,
    responses: { 200: { description: 'The call', schema: CallSchema }, ...BAD_INPUT, ...NOT_FOUND },
  })
  get(@CurrentPrincipal() principal: Principal, @Param() params: CallParams): Promise<Call> {
    return this.calls.get(principal, params.id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authorize('calls:write')
  @Route({
    summary: 'Cancel a call',
    description: 'A queued or scheduled call is cancelled and its job removed; a call being dialled is a 409.',
    tags: ['calls'],
    params: CallParamsSchema,
    responses: {
      200: { description: 'The cancelled call', schema: CallSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      409: error('The call is being dialled or is finished (CALL_NOT_CANCELLABLE)'),
    },
  })
  cancel(@CurrentPrincipal() principal: Principal, @Param() params: CallParams): Promise<Call> {
    return this.calls.cancel(principal, params.id);
  }
}

/** `/internal/calls`: the worker's routes (worker token only). */
@Controller('internal/calls')
export class InternalCallsController {
  constructor(private readonly calls: CallsService) {}

  @Post(':id/claim')
  @HttpCode(200)
  @WorkerOnly()
  @Route({
    summary: 'Claim a call attempt (worker)',
    description:
      'Takes the lease of the attempt (at most one claimer per attempt), re-runs the compliance gate in DIAL_NOW ' +
      'mode and records the attempt. Answers the pinned flow document and the variables.',
    tags: ['internal'],
    params: CallParamsSchema,
    body: ClaimCallBodySchema,
    responses: {
      200: { description: 'The lease and what the worker needs to run the call', schema: CallClaimSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      409: error('CALL_ALREADY_CLAIMED, CALL_CANCELLED, or CALL_BLOCKED (the decision in details): do not dial'),
    },
  })
  claim(@Param() params: CallParams, @Body() body: ClaimCallBody): Promise<CallClaim> {
    return this.calls.claim(params.id, body);
  }

  @Post(':id/lease')
  @HttpCode(200)
  @WorkerOnly()
  @Route({
    summary: 'Renew the lease of a claimed call (worker)',
    description:
      'Extends the lease of the attempt by CALL_LEASE_SECONDS, for its holder only (the `workerId` of the claim) and ' +
      'only while the call is dialling or in progress. Renew every third of the lease: a lease that runs out ends ' +
      'the call `failed` (`worker_lost`).',
    tags: ['internal'],
    params: CallParamsSchema,
    body: RenewCallLeaseBodySchema,
    responses: {
      200: { description: 'The new end of the lease', schema: CallLeaseSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      409: error('CALL_LEASE_LOST: another worker holds it, or the call is over (swept, completed): stop the call'),
    },
  })
  lease(@Param() params: CallParams, @Body() body: RenewCallLeaseBody): Promise<CallLease> {
    return this.calls.renewLease(params.id, body);
  }

  @Post(':id/events')
  @HttpCode(200)
  @WorkerOnly()
  @Route({
    summary: 'Report call events (worker)',
    description: 'Batched; idempotent by `seq`: events at or below the highest stored sequence number are ignored.',
    tags: ['internal'],
    params: CallParamsSchema,
    body: CallEventsBodySchema,
    responses: {
      200: { description: 'How many events were new', schema: CallEventsAckSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      409: error('The call is not being dialled (CALL_NOT_CLAIMED)'),
    },
  })
  events(@Param() params: CallParams, @Body() body: CallEventsBody): Promise<{ accepted: number; lastSeq: number }> {
    return this.calls.appendEvents(params.id, body.events);
  }

  @Post(':id/opt-out')
  @HttpCode(200)
  @WorkerOnly()
  @Route({
    summary: 'Record an opt-out heard during a call (worker)',
    description: 'Writes a revocation and an internal DNC entry at once; send it before completing the call.',
    tags: ['internal'],
    params: CallParamsSchema,
    body: CallOptOutBodySchema,
    responses: {
      200: { description: 'The revocation and the DNC entry', schema: CallOptOutResultSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      409: error('The call is not being dialled (CALL_NOT_CLAIMED)'),
    },
  })
  optOut(
    @Param() params: CallParams,
    @Body() body: CallOptOutBody,
  ): Promise<{ revocationId: string; internalDncEntryId: string }> {
    return this.calls.optOut(params.id, body);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @WorkerOnly()
  @Route({
    summary: 'Complete a call (worker)',
    description: 'Disposition, path, transcript and captured variables; the status follows from the disposition.',
    tags: ['internal'],
    params: CallParamsSchema,
    body: CompleteCallBodySchema,
    responses: {
      200: { description: 'The finished call', schema: CallSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
      409: error('The call is not being dialled (CALL_NOT_CLAIMED)'),
    },
  })
  complete(@Param() params: CallParams, @Body() body: CompleteCallBody): Promise<Call> {
    return this.calls.complete(params.id, body);
  }
}
