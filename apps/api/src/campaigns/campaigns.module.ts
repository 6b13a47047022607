import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { FlowsModule } from '../flows/flows.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { CampaignPlanner } from './campaign-planner.js';
import { CampaignSweeper } from './campaign-sweeper.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { CampaignsService } from './campaigns.service.js';

/**
 * Campaigns (`/v1/campaigns`): contacts, the planner (window × gate × pacing slots), the state
 * machine, the end of every campaign attempt (a CallLifecycle listener: retries, completion), and the
 * sweeper that finishes what a dead process left behind.
 * Each attempt is a `calls` row on the `calls` queue, claimed and completed through CallsModule.
 */
@Module({
  imports: [CallsModule, FlowsModule, ComplianceModule, WebhooksModule],
  controllers: [CampaignsController],
  providers: [CampaignsRepository, CampaignsService, CampaignPlanner, CampaignSweeper],
})
export class CampaignsModule {}
