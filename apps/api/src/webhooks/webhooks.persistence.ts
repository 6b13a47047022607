import { Webhooks1795270100000 } from '../database/migrations/1795270100000-webhooks.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';

/** Entities and migrations of webhook endpoints and their delivery log. */
export const webhooksEntities: Array<new (...args: never[]) => object> = [WebhookEndpointEntity, WebhookDeliveryEntity];
export const webhooksMigrations: Array<new (...args: never[]) => object> = [Webhooks1795270100000];
