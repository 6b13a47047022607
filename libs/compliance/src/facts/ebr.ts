import type { Ebr } from '../schema/compliance-input.schema.js';
import { instant, monthsBefore } from './dated.js';

export interface EbrStatus {
  /** a purchase within the given months before the call (facts after the call ignored) */
  purchaseWithin(months: number): boolean;
  /** purchase ≤ purchaseMonths or inquiry ≤ inquiryMonths ago */
  established: boolean;
  detail: string;
}

export function ebrStatus(
  ebr: Ebr | undefined,
  at: number,
  limits: { purchaseMonths: number; inquiryMonths: number },
): EbrStatus {
  const purchase = ebr?.lastTransactionAt === undefined ? undefined : instant(ebr.lastTransactionAt);
  const inquiry = ebr?.lastInquiryAt === undefined ? undefined : instant(ebr.lastInquiryAt);
  const within = (t: number | undefined, months: number): boolean =>
    t !== undefined && t <= at && t >= monthsBefore(at, months);
  const purchaseWithin = (months: number): boolean => within(purchase, months);
  const established = purchaseWithin(limits.purchaseMonths) || within(inquiry, limits.inquiryMonths);
  const detail = established
    ? 'an established business relationship'
    : `no established business relationship (purchase within ${limits.purchaseMonths} months or inquiry within ${limits.inquiryMonths} months)`;
  return { purchaseWithin, established, detail };
}
