import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type {
  CreateWebhookBody,
  Page,
  PageQuery,
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookEventType,
} from '@switchboard/contracts';
import type { Logger } from 'pino';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { actorOf, ActivityService } from '../activity/activity.service.js';
import type { Principal } from '../common/auth/principal.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import type { WebhookJob } from './jobs/webhooks.queue.js';
import { WebhooksQueue } from './jobs/webhooks.queue.js';
import type { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity.js';
import { decryptSecret, encryptSecret, newSigningSecret } from './webhook-secrets.js';
import { isPrivateHost } from './webhook-url.js';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from './webhooks.config.js';
import { WebhookError } from './webhooks.errors.js';
import { WebhooksRepository } from './webhooks.repository.js';

/**
 * Webhook endpoints (secret shown once, stored AES-256-GCM encrypted), the emission of events to
 * the subscribed endpoints, and their signed delivery (Standard Webhooks) with retries and a log.
 */
@Injectable()
export class WebhooksService implements OnModuleInit {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly queue: WebhooksQueue,
    private readonly activity: ActivityService,
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    if (this.config.usingDevKey) {
      this.logger.warn('WEBHOOK_SECRET_KEY is not set: webhook secrets are encrypted with the development key');
    }
  }

  // ------------------------------------------------------------------ endpoints

  async create(principal: Principal, body: CreateWebhookBody): Promise<WebhookCreated> {
    const url = new URL(body.url);
    if (url.username || url.password) throw WebhookError.invalidUrl('must not carry credentials');
    if (this.config.refusePrivateAddresses && isPrivateHost(url.hostname)) {
      throw WebhookError.invalidUrl('must not point to a loopback, private or link-local address');
    }
    const secret = newSigningSecret();
    const endpoint = await this.repository.insertEndpoint({
      organizationId: principal.organizationId,
      url: url.toString(),
      events: [...new Set(body.events)],
      description: body.description ?? null,
      secretEncrypted: encryptSecret(this.config.secretKey, secret),
    });
    await this.activity.record({
      organizationId: principal.organizationId,
      actor: actorOf(principal),
      action: 'webhook.created',
      subjectType: 'webhook',
      subjectId: endpoint.id,
      details: { url: endpoint.url, events: endpoint.events },
    });
    return { ...view(endpoint), secret };
  }

  async list(principal: Principal, query: PageQuery): Promise<Page<Webhook>> {
    const rows = await this.repository.listEndpoints(principal.organizationId, decodeCursor(query.cursor), query.limit);
    return toPage(rows, query.limit, view);
  }

  async deliveries(principal: Principal, id: string, query: PageQuery): Promise<Page<WebhookDelivery>> {
    const endpoint = await this.repository.findEndpoint(principal.organizationId, id);
    if (!endpoint) throw WebhookError.notFound(id);
    const rows = await this.repository.listDeliveries(
      principal.organizationId,
      id,
      decodeCursor(query.cursor),
      query.limit,
    );
    return toPage(rows, query.limit, deliveryView);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const deleted = await this.repository.deleteEndpoint(principal.organizationId, id, new Date());
    if (!deleted) throw WebhookError.notFound(id);
    await this.activity.record({
      organizationId: principal.organizationId,
      actor: actorOf(principal),
      action: 'webhook.deleted',
      subjectType: 'webhook',
      subjectId: id,
      details: {},
    });
  }

  // ------------------------------------------------------------------ events

  /**
   * Queues `type` for every live endpoint of the organisation subscribed to it. Never throws: an
   * event that cannot be queued is logged, and the caller's own work (a call's completion) stands.
   */
  async emit(organizationId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<void> {
    try {
      const endpoints = await this.repository.subscribers(organizationId, type);
      const timestamp = new Date().toISOString();
      for (const endpoint of endpoints) {
        await this.queue.enqueue(
          {
            organizationId,
            endpointId: endpoint.id,
            messageId: `msg_${randomUUID()}`,
            attempt: 1,
            type,
            timestamp,
            data,
          },
          0,
        );
      }
    } catch (error) {
      this.logger.error({ err: error, organizationId, type }, 'webhook event not queued');
    }
  }

  /** One attempt: signs, posts, logs it, and queues the next one on failure while attempts remain. */
  async deliver(job: WebhookJob): Promise<void> {
    const endpoint = await this.repository.findEndpoint(job.organizationId, job.endpointId);
    if (!endpoint) return; // deleted since: no more deliveries
    const body = JSON.stringify({ type: job.type, timestamp: job.timestamp, data: job.data });
    const signer = new StandardWebhook(decryptSecret(this.config.secretKey, endpoint.secretEncrypted));
    const sentAt = new Date();
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchboard-Webhooks/1',
          'webhook-id': job.messageId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signer.sign(job.messageId, sentAt, body),
        },
        body,
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (cause) {
      error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    }
    const durationMs = Math.round(performance.now() - started);
    const success = error === null;
    const delay = success ? undefined : this.config.retryDelaysMs[job.attempt - 1];
    const nextRetryAt = delay === undefined ? null : new Date(Date.now() + delay);
    await this.repository.insertDelivery({
      organizationId: job.organizationId,
      endpointId: job.endpointId,
      messageId: job.messageId,
      event: job.type,
      attempt: job.attempt,
      statusCode,
      durationMs,
      success,
      error,
      nextRetryAt,
    });
    this.logger.info(
      { endpointId: job.endpointId, messageId: job.messageId, attempt: job.attempt, statusCode, success },
      'webhook delivery attempted',
    );
    if (delay !== undefined) await this.queue.enqueue({ ...job, attempt: job.attempt + 1 }, delay);
  }
}

function view(endpoint: WebhookEndpointEntity): Webhook {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events as WebhookEventType[],
    description: endpoint.description,
    createdAt: endpoint.createdAt.toISOString(),
  };
}

function deliveryView(delivery: WebhookDeliveryEntity): WebhookDelivery {
  return {
    id: delivery.id,
    messageId: delivery.messageId,
    event: delivery.event as WebhookEventType,
    attempt: delivery.attempt,
    statusCode: delivery.statusCode,
    durationMs: delivery.durationMs,
    success: delivery.success,
    error: delivery.error,
    nextRetryAt: delivery.nextRetryAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
  };
}
