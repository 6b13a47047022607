import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { withAdvisoryLock } from '../calls/recovery/advisory-lock.js';
import { BackgroundLoop } from '../calls/recovery/background-loop.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { CampaignPlanner } from './campaign-planner.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { CampaignsService } from './campaigns.service.js';

/** The session advisory lock of the sweeper (one holder per database; the calls' loops use 0x5342_000x). */
export const CAMPAIGN_SWEEPER_LOCK = 0x5342_0101;
/** A contact pending this long in a running campaign is not being planned by anyone. */
export const LEFT_BEHIND_SECONDS = 30;

export interface SweepReport {
  /** campaigns whose left-behind contacts were planned */
  replanned: string[];
  /** campaigns completed because every contact was final */
  completed: string[];
}

/**
 * Postgres-driven recovery of campaigns, so a campaign finishes whatever process died when:
 * contacts of a running campaign left pending (the API died while planning a large start, or the
 * re-plan after an attempt failed) are planned, and a running campaign whose contacts are all
 * final is completed. Every CAMPAIGN_SWEEP_INTERVAL_MS, on one API replica at a time.
 */
@Injectable()
export class CampaignSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: BackgroundLoop;
  private readonly enabled: boolean;

  constructor(
    private readonly repository: CampaignsRepository,
    private readonly planner: CampaignPlanner,
    private readonly campaigns: CampaignsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.enabled = config.calls.campaignSweepIntervalMs > 0;
    this.loop = new BackgroundLoop(
      'campaign-sweeper',
      config.calls.campaignSweepIntervalMs,
      () => this.sweep(),
      logger,
    );
  }

  onApplicationBootstrap(): void {
    // CAMPAIGN_SWEEP_INTERVAL_MS=0: off (sweep() may still be called)
    if (this.enabled) this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass; null when another replica is sweeping. */
  async sweep(settleSeconds = LEFT_BEHIND_SECONDS): Promise<SweepReport | null> {
    const outcome = await withAdvisoryLock(this.dataSource, CAMPAIGN_SWEEPER_LOCK, async () => {
      const report: SweepReport = { replanned: [], completed: [] };
      for (const id of await this.repository.runningWithLeftBehind(settleSeconds)) {
        this.logger.warn({ campaignId: id }, 'campaign contacts left unplanned: planning them');
        await this.planner.planInBackground(id);
        report.replanned.push(id);
      }
      for (const id of await this.repository.runningAllFinal()) {
        if (await this.campaigns.completeIfDone(id)) report.completed.push(id);
      }
      return report;
    });
    return outcome.ran ? outcome.value : null;
  }
}
