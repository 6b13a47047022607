import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DocsController } from './docs.controller.js';
import { OpenApiService } from './openapi.service.js';

/** `/docs-json` (OpenAPI 3.1, generated from every route's `@Route` zod schemas) and `/docs` (Swagger UI). */
@Module({
  imports: [DiscoveryModule],
  controllers: [DocsController],
  providers: [OpenApiService],
  exports: [OpenApiService],
})
export class DocsModule {}
