import { Inject, Injectable } from '@nestjs/common';
import type { CallDeadLetterJob } from '@switchboard/contracts';
import { maskPhone } from '@switchboard/compliance';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../../common/logging/app-logger.service.js';
import { WebhooksService } from '../../webhooks/webhooks.service.js';
import { CallLifecycle } from '../call-lifecycle.js';
import { CallsRepository } from '../calls.repository.js';

/** What recording a dead letter did to its call. */
export type DeadLetterOutcome =
  { outcome: 'dead_lettered'; callId: string } | { outcome: 'left'; callId: string; status: string };

/**
 * Records a call job that failed for good. An attempt no worker ever claimed will not be dialled
 * by anyone: the call → `failed`, disposition `dead_lettered`, the reason kept, and the lifecycle
 * hears of it. An attempt that was claimed is left alone: its worker completed it, or its lease
 * runs out and the sweeper ends it.
 */
@Injectable()
export class CallDeadLetters {
  constructor(
    private readonly calls: CallsRepository,
    private readonly lifecycle: CallLifecycle,
    private readonly webhooks: WebhooksService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async record(entry: CallDeadLetterJob): Promise<DeadLetterOutcome> {
    const reason = `job ${entry.jobId} failed for good after ${entry.attemptsMade} attempt(s): ${entry.reason}`.slice(
      0,
      2000,
    );
    const call = await this.calls.deadLetter(entry.callId, entry.attempt, reason);
    if (!call) {
      const current = await this.calls.findByIdForWorker(entry.callId);
      const status = current ? (current.attempt === entry.attempt ? current.status : 'a later attempt') : 'missing';
      this.logger.warn(
        { callId: entry.callId, attempt: entry.attempt, status, reason, source: entry.source },
        'a call job failed for good after its call left the queue: the call is left as it is',
      );
      return { outcome: 'left', callId: entry.callId, status };
    }
    this.logger.error(
      { callId: call.id, attempt: call.attempt, to: maskPhone(call.to), reason, source: entry.source },
      'call job dead-lettered: the call was never dialled and ends failed',
    );
    await this.webhooks.emit(call.organizationId, 'call.failed', {
      callId: call.id,
      status: call.status,
      disposition: call.disposition,
      flowId: call.flowId,
      flowVersion: call.flowVersion,
    });
    await this.lifecycle.finished(call, 'failed', this.logger);
    return { outcome: 'dead_lettered', callId: call.id };
  }
}
