import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiKeyListQuerySchema,
  ApiKeyPageSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  IdParamsSchema,
  type ApiKey,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  type Page,
  type PageQuery,
} from '@switchboard/contracts';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { ApiKeysService } from './api-keys.service.js';

@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Authorize('keys:manage')
  @Route({
    summary: 'Create an API key for another system',
    description: 'The answer holds the key (`sk_…`) this once; only its SHA-256 and a short prefix are stored.',
    tags: ['api-keys'],
    body: CreateApiKeyRequestSchema,
    responses: { 201: { description: 'the key, shown once', schema: CreatedApiKeySchema } },
  })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return this.apiKeys.create(principal, body);
  }

  @Get()
  @Authorize('keys:manage')
  @Route({
    summary: 'The API keys of the organisation (never the keys themselves)',
    tags: ['api-keys'],
    query: ApiKeyListQuerySchema,
    responses: { 200: { description: 'a page of keys', schema: ApiKeyPageSchema } },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery): Promise<Page<ApiKey>> {
    return this.apiKeys.list(principal, query);
  }

  @Delete(':id')
  @Authorize('keys:manage')
  @HttpCode(204)
  @Route({
    summary: 'Revoke an API key (at once; revoking twice is harmless)',
    tags: ['api-keys'],
    params: IdParamsSchema,
    responses: { 204: { description: 'revoked' }, 404: { description: 'no such key' } },
  })
  async revoke(@CurrentPrincipal() principal: Principal, @Param() params: { id: string }): Promise<void> {
    await this.apiKeys.revoke(principal, params.id);
  }
}
