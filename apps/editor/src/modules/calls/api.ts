import type { Call, CallStatus, ComplianceDecisionRecord, Page } from '@switchboard/contracts';
import { api } from '../../api/client.js';

/** `/v1/calls`: single calls and campaign attempts alike. */

export function listCalls(
  query: { status?: CallStatus | ''; campaignId?: string; contactId?: string; cursor?: string | null; limit?: number },
  signal?: AbortSignal,
) {
  const params = new URLSearchParams({ limit: String(query.limit ?? 50) });
  if (query.status) params.set('status', query.status);
  if (query.campaignId) params.set('campaignId', query.campaignId);
  if (query.contactId) params.set('contactId', query.contactId);
  if (query.cursor) params.set('cursor', query.cursor);
  return api<Page<Call>>(`/v1/calls?${params.toString()}`, signal ? { signal } : {});
}

export const getCall = (id: string, signal?: AbortSignal) => api<Call>(`/v1/calls/${id}`, signal ? { signal } : {});

export const cancelCall = (id: string) => api<Call>(`/v1/calls/${id}/cancel`, { method: 'POST' });

/**
 * The decision log's records for a number since `from` (needs compliance:read; numbers in full). The
 * log has no call filter: the call page keeps the records of its call.
 */
export function listDecisions(phone: string, from: string, signal?: AbortSignal) {
  const params = new URLSearchParams({ phone, from, limit: '200' });
  return api<Page<ComplianceDecisionRecord>>(`/v1/compliance/decisions?${params.toString()}`, signal ? { signal } : {});
}
