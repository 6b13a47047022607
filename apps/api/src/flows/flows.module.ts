import { Module } from '@nestjs/common';

/** Filled by the issue that builds this feature (see its README section in apps/api/README.md). */
@Module({})
export class FlowsModule {}
