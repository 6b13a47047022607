import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DynamicModule, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ExpressAdapter } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** The built editor: apps/editor/dist, from apps/api/src/editor or apps/api/dist/editor alike. */
export const DEFAULT_EDITOR_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../editor/dist');

/** Paths that belong to the API: never answered with the editor, even when nothing matched them. */
export const API_PREFIXES = ['/v1', '/internal', '/docs', '/health', '/metrics', '/admin'] as const;

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some(
    (prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}-`),
  );
}

/**
 * Whether a request gets the editor's index.html (the SPA fallback): a GET or HEAD for a page
 * (not an API path, not a file with an extension such as a missing /assets/x.js).
 */
export function wantsEditorPage(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (isApiPath(path)) return false;
  const last = path.split('/').at(-1) ?? '';
  return !last.includes('.');
}

const EDITOR_DIST = Symbol('EDITOR_DIST');

/**
 * Serves the built editor at `/` in production: its files (hashed assets cached for a year),
 * and index.html for any other page path. Registered when the app initialises, after the API
 * routes, so it never shadows them (nor /v1, /internal, /docs, /health, /metrics when they 404).
 * A no-op when the editor is not built. Import `EditorStaticModule` (or `.forRoot(dir)`).
 */
@Module({ providers: [{ provide: EDITOR_DIST, useValue: DEFAULT_EDITOR_DIST }] })
export class EditorStaticModule implements OnModuleInit {
  private readonly logger = new Logger('EditorStatic');

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(EDITOR_DIST) private readonly dist: string,
  ) {}

  static forRoot(dist: string = DEFAULT_EDITOR_DIST): DynamicModule {
    return { module: EditorStaticModule, providers: [{ provide: EDITOR_DIST, useValue: dist }] };
  }

  onModuleInit(): void {
    const index = join(this.dist, 'index.html');
    const adapter = this.adapterHost.httpAdapter as ExpressAdapter | undefined;
    if (!adapter || !existsSync(index)) {
      this.logger.log(`no built editor at ${this.dist}: not serving it (npm run build -w @switchboard/editor)`);
      return;
    }
    // Mounted after the API routes (onModuleInit runs once they are registered): a file of the
    // editor's dist (index.html and assets/ only) is answered, anything else falls through.
    adapter.useStaticAssets(this.dist, {
      index: false,
      fallthrough: true,
      setHeaders: (res: Response, path: string) => {
        if (path.startsWith(join(this.dist, 'assets')))
          res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      },
    });
    adapter.use((req: Request, res: Response, next: NextFunction) => {
      if (!wantsEditorPage(req.method, req.path)) return next();
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(index, (error) => {
        if (error) next(error);
      });
    });
    this.logger.log(`serving the editor from ${this.dist}`);
  }
}
