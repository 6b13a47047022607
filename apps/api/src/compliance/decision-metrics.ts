import type { Counter } from 'prom-client';
import type { MetricsService } from '../metrics/metrics.service.js';

/** The reason label of a decision without reasons (every ALLOWED one). */
export const NO_REASON = 'none';

/**
 * `switchboard_compliance_decisions_total{outcome, reason, mode}`: every gate decision, once per
 * reason code it carries (so a DEFERRED with two reasons counts under both), "none" for a decision
 * without any. Labels are bounded: outcomes and reason codes come from the rule set, never from
 * the request (no tenant, no number).
 */
export class DecisionMetrics {
  private readonly decisions: Counter<'outcome' | 'reason' | 'mode'>;

  constructor(metrics: MetricsService) {
    this.decisions = metrics.counter({
      name: 'switchboard_compliance_decisions_total',
      help: 'Compliance gate decisions, by outcome, reason code ("none" when there is none) and mode (SCHEDULE, DIAL_NOW)',
      labelNames: ['outcome', 'reason', 'mode'],
    });
  }

  count(decision: { outcome: string; reasons: readonly { code: string }[] }, mode: string): void {
    const codes = new Set(decision.reasons.map((reason) => reason.code));
    if (codes.size === 0) codes.add(NO_REASON);
    for (const reason of codes) this.decisions.inc({ outcome: decision.outcome, reason, mode });
  }
}
