import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import {
  AUTHORIZE_KEY,
  allows,
  PERMISSIONS,
  PUBLIC_KEY,
  WORKER_KEY,
  type AuthenticatedRequest,
  type Permission,
  type Principal,
} from '../common/auth/principal.js';
import { requestContext } from '../common/logging/request-context.js';
import { AuthError } from './auth.errors.js';
import { AuthService } from './auth.service.js';

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/;

/**
 * The token of `Authorization: Bearer <token>`, or a 401 saying what is wrong with the header.
 * Exported for logout, which ends the session the request came with.
 */
export function bearerTokenOf(req: Request): string {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw AuthError.unauthorized('Missing Authorization header: send "Authorization: Bearer <token>"');
  }
  const match = BEARER.exec(header);
  if (!match?.[1]) {
    throw AuthError.unauthorized('Malformed Authorization header: expected "Bearer <token>"');
  }
  return match[1];
}

/**
 * Every route is authenticated unless marked @Public(); @WorkerOnly() routes take the worker
 * token and nothing else; @Authorize(...) permissions must all be granted by the caller's roles
 * (otherwise 403 naming the first missing one). Puts the Principal on the request and its
 * organisation on the request's log lines.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true) return true;

    const http = context.switchToHttp();
    const req = http.getRequest<Request & AuthenticatedRequest>();
    const token = bearerTokenOf(req);
    const workerOnly = this.reflector.getAllAndOverride<boolean | undefined>(WORKER_KEY, targets) === true;
    const principal = workerOnly ? this.auth.authenticateWorker(token) : await this.auth.authenticate(token);

    req.principal = principal;
    this.bindLogger(req, http.getResponse<Response>(), principal);

    const required = this.reflector.getAllAndMerge<Permission[]>(AUTHORIZE_KEY, targets);
    for (const permission of required) {
      if (!allows(principal.roles, permission)) {
        const roles: readonly string[] = PERMISSIONS[permission];
        throw AuthError.forbidden(
          `Missing permission ${permission} (granted to: ${roles.join(', ')}; this ${principal.kind === 'api_key' ? 'API key' : principal.kind} has: ${principal.roles.join(', ') || 'no role'})`,
        );
      }
    }
    return true;
  }

  private bindLogger(req: Request, res: Response, principal: Principal): void {
    const bindings = { organizationId: principal.organizationId, principal: `${principal.kind}:${principal.id}` };
    const current = req.log as Logger | undefined;
    if (!current) return;
    const child = current.child(bindings);
    req.log = child;
    res.log = child;
    const store = requestContext.getStore();
    if (store) store.logger = child;
  }
}
