import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiErrorSchema,
  CreateWebhookBodySchema,
  WebhookCreatedSchema,
  WebhookDeliveryPageSchema,
  WebhookListQuerySchema,
  WebhookPageSchema,
  WebhookParamsSchema,
  type CreateWebhookBody,
  type Page,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
  type WebhookListQuery,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { WebhooksService } from './webhooks.service.js';

type WebhookParams = z.infer<typeof WebhookParamsSchema>;
const error = (description: string) => ({ description, schema: ApiErrorSchema });
const BAD_INPUT = { 400: error('Invalid request: every bad field is named in details') };
const NOT_FOUND = { 404: error('No such webhook in your organisation (WEBHOOK_NOT_FOUND)') };

/** `/v1/webhooks`: thin — every rule is in WebhooksService. */
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Authorize('webhooks:manage')
  @Route({
    summary: 'Register a webhook endpoint',
    description:
      'Events are POSTed as `{type, timestamp, data}`, signed per Standard Webhooks (`webhook-id`, ' +
      '`webhook-timestamp`, `webhook-signature`). The signing secret (`whsec_…`) is in this answer only. ' +
      'A failed delivery (not 2xx, or no answer) is retried with exponential back-off.',
    tags: ['webhooks'],
    body: CreateWebhookBodySchema,
    responses: {
      201: { description: 'The endpoint with its signing secret, shown once', schema: WebhookCreatedSchema },
      ...BAD_INPUT,
    },
  })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWebhookBody): Promise<WebhookCreated> {
    return this.webhooks.create(principal, body);
  }

  @Get()
  @Authorize('webhooks:manage')
  @Route({
    summary: 'List webhook endpoints',
    description: 'Newest first; secrets are never listed.',
    tags: ['webhooks'],
    query: WebhookListQuerySchema,
    responses: { 200: { description: 'A page of endpoints', schema: WebhookPageSchema }, ...BAD_INPUT },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: WebhookListQuery): Promise<Page<Webhook>> {
    return this.webhooks.list(principal, query);
  }

  @Get(':id/deliveries')
  @Authorize('webhooks:manage')
  @Route({
    summary: 'The delivery log of a webhook endpoint',
    description: 'Every attempt, newest first: event, attempt, status code, duration, error and next retry.',
    tags: ['webhooks'],
    params: WebhookParamsSchema,
    query: WebhookListQuerySchema,
    responses: {
      200: { description: 'A page of delivery attempts', schema: WebhookDeliveryPageSchema },
      ...BAD_INPUT,
      ...NOT_FOUND,
    },
  })
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param() params: WebhookParams,
    @Query() query: WebhookListQuery,
  ): Promise<Page<WebhookDelivery>> {
    return this.webhooks.deliveries(principal, params.id, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('webhooks:manage')
  @Route({
    summary: 'Delete a webhook endpoint',
    description: 'No event is delivered to it any more, pending retries included.',
    tags: ['webhooks'],
    params: WebhookParamsSchema,
    responses: { 204: { description: 'deleted' }, ...BAD_INPUT, ...NOT_FOUND },
  })
  async remove(@CurrentPrincipal() principal: Principal, @Param() params: WebhookParams): Promise<void> {
    await this.webhooks.remove(principal, params.id);
  }
}
