import type { WebhookErrorCode } from '@switchboard/contracts';
import { ApiError } from '../common/errors/api-error.js';

export type { WebhookErrorCode };

/** Every failure of `/v1/webhooks` the caller can act on. */
export class WebhookError extends ApiError<WebhookErrorCode> {
  /** also what another organisation's endpoint is */
  static notFound(id: string): WebhookError {
    return new WebhookError(404, 'WEBHOOK_NOT_FOUND', `Webhook ${id} not found`);
  }

  static invalidUrl(problem: string): WebhookError {
    return new WebhookError(400, 'WEBHOOK_INVALID_URL', `body.url: ${problem}`, [
      { path: 'body.url', message: problem },
    ]);
  }
}
