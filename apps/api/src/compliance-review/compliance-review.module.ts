import { Module } from '@nestjs/common';
import { DncModule } from '../dnc/dnc.module.js';
import { ComplianceReviewController } from './compliance-review.controller.js';
import { ComplianceReviewRepository } from './compliance-review.repository.js';
import { ComplianceReviewService } from './compliance-review.service.js';

/**
 * The compliance reviewer's read side (issue 4, part 7): dossiers, search, export with checksums
 * and reports over the compliance feature's tables and the DNC registries (and, for the consent
 * coverage of a campaign, its contacts' numbers). Owns no table.
 */
@Module({
  imports: [DncModule],
  controllers: [ComplianceReviewController],
  providers: [ComplianceReviewRepository, ComplianceReviewService],
})
export class ComplianceReviewModule {}
