import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { Public } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { type OpenApiDocument } from './openapi-document.js';
import { OpenApiService } from './openapi.service.js';
import {
  DOCS_ASSETS,
  DOCS_CONTENT_SECURITY_POLICY,
  INITIALIZER_FILE,
  SWAGGER_UI_FILES,
  SWAGGER_UI_HTML,
  SWAGGER_UI_INITIALIZER,
  swaggerUiFile,
} from './swagger-ui.js';

const OpenApiDocumentSchema = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) })
  .meta({ description: 'An OpenAPI 3.1 document' });

const DocsAssetParamsSchema = z.strictObject({
  asset: z.enum(DOCS_ASSETS, { message: 'not a file of the API docs page' }),
});

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

/** The API's own documentation: the OpenAPI document and Swagger UI, both open to anyone. */
@Controller()
@Public()
export class DocsController {
  constructor(private readonly openapi: OpenApiService) {}

  @Get('docs-json')
  @Route({
    summary: 'The OpenAPI 3.1 document of this API',
    tags: ['docs'],
    responses: {
      200: { description: 'The document, generated from the routes’ schemas', schema: OpenApiDocumentSchema },
    },
  })
  document(): OpenApiDocument {
    return this.openapi.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY)
  @Route({
    summary: 'Swagger UI over the OpenAPI document',
    tags: ['docs'],
    responses: {
      200: { description: 'The page (it loads its scripts and styles from /docs/…)', contentType: 'text/html' },
    },
  })
  page(): string {
    return SWAGGER_UI_HTML;
  }

  @Get('docs/:asset')
  @Route({
    summary: 'A script, style sheet or icon of the Swagger UI page',
    tags: ['docs'],
    params: DocsAssetParamsSchema,
    responses: { 200: { description: 'The file', contentType: '*/*' } },
  })
  async asset(@Param() { asset }: z.infer<typeof DocsAssetParamsSchema>, @Res() res: Response): Promise<void> {
    res.setHeader('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
    if (asset === INITIALIZER_FILE) {
      res.type('text/javascript; charset=utf-8').send(SWAGGER_UI_INITIALIZER);
      return;
    }
    const name = asset as keyof typeof SWAGGER_UI_FILES;
    res.type(SWAGGER_UI_FILES[name]);
    await new Promise<void>((resolve, reject) => {
      res.sendFile(swaggerUiFile(name), { maxAge: ONE_DAY_MS }, (error) => (error ? reject(error) : resolve()));
    });
  }
}
