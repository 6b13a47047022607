import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

/**
 * Who is calling and what they may do. Every request that is not @Public() is
 * authenticated by the global AuthGuard, which puts a Principal on the request; every
 * query is scoped by `principal.organizationId` (a row of another organisation is a 404).
 */
export const ROLES = ['admin', 'designer', 'operator', 'compliance', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What each permission needs: any one of these roles. */
export const PERMISSIONS = {
  'flows:read': ['admin', 'designer', 'operator', 'compliance', 'viewer'],
  'flows:write': ['admin', 'designer'],
  'flows:publish': ['admin', 'designer'],
  'flows:delete': ['admin', 'designer'],
  'simulations:run': ['admin', 'designer', 'operator'],
  'members:read': ['admin'],
  'members:manage': ['admin'],
  'keys:manage': ['admin'],
  'activity:read': ['admin', 'compliance'],
  'compliance:read': ['admin', 'compliance'],
  'compliance:write': ['admin', 'operator'],
  'calls:read': ['admin', 'operator', 'compliance', 'viewer'],
  'calls:write': ['admin', 'operator'],
  'campaigns:read': ['admin', 'operator', 'compliance', 'viewer'],
  'campaigns:write': ['admin', 'operator'],
  'webhooks:manage': ['admin', 'operator'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function allows(roles: readonly Role[], permission: Permission): boolean {
  const needed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((role) => needed.includes(role));
}

export interface Principal {
  organizationId: string;
  kind: 'user' | 'api_key' | 'worker';
  /** user id, api key id, or the worker's name */
  id: string;
  roles: Role[];
  /** for logs and the activity log: an email, a key's name */
  label: string;
}

export const AUTHORIZE_KEY = 'switchboard:authorize';
export const PUBLIC_KEY = 'switchboard:public';
export const WORKER_KEY = 'switchboard:worker';

/** The route needs every one of these permissions (checked by the AuthGuard). */
export const Authorize = (...permissions: Permission[]) => SetMetadata(AUTHORIZE_KEY, permissions);
/** No authentication (health, login, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Only the worker token (`/internal/*`). */
export const WorkerOnly = () => SetMetadata(WORKER_KEY, true);

export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The authenticated caller; routes without a principal never reach the handler. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route the AuthGuard did not authenticate');
  return principal;
});
