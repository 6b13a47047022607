import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { AuthenticatedRequest } from '../common/auth/principal.js';
import { ApiError } from '../common/errors/api-error.js';

/**
 * Requests per minute per caller: the API key or user the AuthGuard found (it runs first), else
 * the client's IP (login, public routes). One budget per caller across all routes. Workers are
 * not limited: their pace is the calls' pace.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = (req as AuthenticatedRequest).principal;
    if (principal) return `${principal.kind}:${principal.id}`;
    return `ip:${typeof req.ip === 'string' ? req.ip : 'unknown'}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return context.switchToHttp().getRequest<AuthenticatedRequest>().principal?.kind === 'worker';
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new ApiError(
      429,
      'TOO_MANY_REQUESTS',
      `Rate limit exceeded: ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s; retry in ${seconds} s`,
    );
  }
}
