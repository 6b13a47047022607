import { Module } from '@nestjs/common';
import { FLOW_TEMPLATES_DIR, FlowTemplateCatalog, defaultTemplatesDir } from './flow-templates.js';
import { FlowTemplatesController, FlowsController } from './flows.controller.js';
import { FlowsClock } from './flows.clock.js';
import { FlowsRepository } from './flows.repository.js';
import { FlowsService } from './flows.service.js';
import { PublishedVersionCache } from './published-version-cache.js';

/**
 * Flows: drafts, immutable versions, checks, scenario runs, import/export and templates.
 * Exports FlowsService for the features that run flows (`resolveDocument`).
 * The templates folder is `<repository root>/flows` unless FLOW_TEMPLATES_DIR is provided otherwise.
 */
@Module({
  controllers: [FlowsController, FlowTemplatesController],
  providers: [
    FlowsRepository,
    FlowsService,
    FlowsClock,
    PublishedVersionCache,
    FlowTemplateCatalog,
    { provide: FLOW_TEMPLATES_DIR, useFactory: () => defaultTemplatesDir() },
  ],
  exports: [FlowsService],
})
export class FlowsModule {}
