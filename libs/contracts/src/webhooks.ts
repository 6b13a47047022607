import { z } from 'zod';
import { PageQuerySchema, pageSchema } from './common.js';

/** The events a webhook endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['call.completed', 'call.failed', 'call.blocked', 'campaign.completed'] as const;
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

export type WebhookErrorCode = 'WEBHOOK_NOT_FOUND' | 'WEBHOOK_INVALID_URL';

/** `POST /v1/webhooks` */
export const CreateWebhookBodySchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000, 'must be at most 2000 characters'),
  events: z.array(WebhookEventTypeSchema).min(1, 'subscribe to at least one event').max(WEBHOOK_EVENT_TYPES.length),
  description: z.string().trim().max(500).optional(),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBodySchema>;

export const WebhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(WebhookEventTypeSchema),
  description: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type Webhook = z.infer<typeof WebhookSchema>;

/** The endpoint as created: the only time its signing secret is shown. */
export const WebhookCreatedSchema = WebhookSchema.extend({
  secret: z.string().describe('Standard Webhooks signing secret (`whsec_…`), shown once'),
});
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;

export const WebhookPageSchema = pageSchema(WebhookSchema);
export const WebhookListQuerySchema = PageQuerySchema;
export type WebhookListQuery = z.infer<typeof WebhookListQuerySchema>;

export const WebhookParamsSchema = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });

/** One delivery attempt of one event to one endpoint. */
export const WebhookDeliverySchema = z.object({
  id: z.uuid(),
  messageId: z.string(),
  event: WebhookEventTypeSchema,
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  success: z.boolean(),
  error: z.string().nullable(),
  nextRetryAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
export const WebhookDeliveryPageSchema = pageSchema(WebhookDeliverySchema);
