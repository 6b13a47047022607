import type { CallClaim } from '@switchboard/contracts';
import { ApiRefusal, type InternalClient } from '../api/internal-client.js';
import type { Logger } from '../logger.js';

/** The lease when the API does not say (an older API): its default CALL_LEASE_SECONDS. */
const FALLBACK_LEASE_SECONDS = 60;

/** How often a lease of `leaseSeconds` is renewed: every third of it, so two renewals may fail in a row. */
export function renewalIntervalMs(leaseSeconds: number): number {
  return Math.max(250, Math.floor((leaseSeconds * 1000) / 3));
}

/** The lease the claim granted, in seconds: its `leaseSeconds`, else what is left until `leaseUntil`. */
export function grantedLeaseSeconds(claim: Pick<CallClaim, 'leaseSeconds' | 'leaseUntil'>, now = Date.now()): number {
  if (claim.leaseSeconds !== undefined) return claim.leaseSeconds;
  const left = (Date.parse(claim.leaseUntil) - now) / 1000;
  return Number.isFinite(left) && left > 0 ? left : FALLBACK_LEASE_SECONDS;
}

/**
 * Keeps the lease of a claimed attempt while its call runs: renews it every third of the lease
 * (`POST /internal/calls/:id/lease`). A refusal (409 CALL_LEASE_LOST: the sweeper ended the call,
 * or another worker holds it) means the attempt is not this worker's any more: `lost` aborts and
 * the call must stop. A renewal that cannot reach the API is only logged: the next one may, and
 * the lease has two more thirds to go.
 */
export class LeaseKeeper {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;
  /** renewals the API accepted */
  renewals = 0;

  constructor(
    private readonly client: InternalClient,
    private readonly callId: string,
    private readonly attempt: number,
    private readonly workerId: string,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** aborted when the API refused a renewal: the reason is the refusal */
  get lost(): AbortSignal {
    return this.controller.signal;
  }

  start(): this {
    this.timer = setInterval(() => void this.renew(), this.intervalMs);
    return this;
  }

  /** no renewal after this one; call it when the call ends, however it ends */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renew(): Promise<void> {
    // a renewal still retrying is not doubled
    if (this.renewing || !this.timer) return;
    this.renewing = true;
    try {
      const lease = await this.client.renewLease(this.callId, { attempt: this.attempt, workerId: this.workerId });
      this.renewals++;
      this.log.debug({ leaseUntil: lease.leaseUntil }, 'lease renewed');
    } catch (error) {
      // an answer to a renewal sent just before the call ended (stop()) says nothing about the call
      if (!this.timer) return;
      if (error instanceof ApiRefusal) {
        this.log.error({ code: error.code, status: error.status }, 'lease lost: stopping the call');
        this.stop();
        this.controller.abort(error);
      } else {
        this.log.warn({ err: error }, 'lease not renewed (API unreachable): trying again at the next renewal');
      }
    } finally {
      this.renewing = false;
    }
  }
}
