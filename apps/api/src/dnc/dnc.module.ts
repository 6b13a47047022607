import { Module } from '@nestjs/common';

/** Filled by the issue that builds this feature (see apps/api/README.md). */
@Module({})
export class DncModule {}
