import { Module } from '@nestjs/common';
import { ComplianceGateService } from './compliance-gate.service.js';
import { AuditController, CallerIdsController, ComplianceController } from './compliance.controller.js';
import { ComplianceRepository } from './compliance.repository.js';
import { ComplianceService } from './compliance.service.js';
import { ConsentsController, InternalDncController, RevocationsController } from './consents.controller.js';
import { ConsentsService } from './consents.service.js';
import { DecisionLogService } from './decision-log.service.js';
import { DncModule } from '../dnc/dnc.module.js';
import { DncStatusPort, RegistryDncStatus } from './dnc-status.port.js';

/**
 * Consent evidence, revocations, the internal DNC list, the compliance gate and the hash-chained
 * decision log. Exports ComplianceGateService (`check`, `recordAttempt`) and ConsentsService
 * (`recordOptOut`) for the calls feature.
 */
@Module({
  imports: [DncModule],
  controllers: [
    ConsentsController,
    RevocationsController,
    InternalDncController,
    ComplianceController,
    AuditController,
    CallerIdsController,
  ],
  providers: [
    ComplianceRepository,
    ConsentsService,
    ComplianceService,
    ComplianceGateService,
    DecisionLogService,
    { provide: DncStatusPort, useClass: RegistryDncStatus },
  ],
  exports: [ComplianceGateService, ConsentsService, DncStatusPort],
})
export class ComplianceModule {}
