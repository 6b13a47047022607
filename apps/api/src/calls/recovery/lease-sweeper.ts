import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { maskPhone } from '@switchboard/compliance';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ROOT_LOGGER } from '../../common/logging/app-logger.service.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { WebhooksService } from '../../webhooks/webhooks.service.js';
import { CallLifecycle } from '../call-lifecycle.js';
import type { CallEntity } from '../call.entity.js';
import { CallsRepository } from '../calls.repository.js';
import { ADVISORY_LOCKS, withAdvisoryLock } from './advisory-lock.js';
import { BackgroundLoop } from './background-loop.js';

/** Calls ended per UPDATE: a sweep after a worker fleet died takes a few short statements. */
const BATCH = 100;

/**
 * Ends the attempts whose worker vanished: a call being dialled or talked to whose lease ran out
 * (the worker renews it every third of CALL_LEASE_SECONDS) → `failed`, disposition `worker_lost`,
 * then `CallLifecycle.finished(call, 'lost')` (campaigns retry it as a new attempt when they may).
 * Every CALL_SWEEP_INTERVAL_MS, on one API replica at a time (advisory lock).
 */
@Injectable()
export class CallLeaseSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly calls: CallsRepository,
    private readonly lifecycle: CallLifecycle,
    private readonly webhooks: WebhooksService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.loop = new BackgroundLoop('lease-sweeper', config.calls.sweepIntervalMs, () => this.sweep(), logger);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** One sweep: the calls it ended, or null when another replica is sweeping. */
  async sweep(): Promise<CallEntity[] | null> {
    const outcome = await withAdvisoryLock(this.dataSource, ADVISORY_LOCKS.leaseSweeper, async () => {
      const swept: CallEntity[] = [];
      for (;;) {
        const batch = await this.calls.expireLeases(BATCH);
        for (const call of batch) await this.ended(call);
        swept.push(...batch);
        if (batch.length < BATCH) return swept;
      }
    });
    return outcome.ran ? outcome.value : null;
  }

  private async ended(call: CallEntity): Promise<void> {
    this.logger.warn(
      { callId: call.id, attempt: call.attempt, to: maskPhone(call.to), reason: call.failureReason },
      'call lease ran out: the worker is gone, the call ends worker_lost',
    );
    await this.webhooks.emit(call.organizationId, 'call.failed', {
      callId: call.id,
      status: call.status,
      disposition: call.disposition,
      flowId: call.flowId,
      flowVersion: call.flowVersion,
    });
    await this.lifecycle.finished(call, 'lost', this.logger);
  }
}
