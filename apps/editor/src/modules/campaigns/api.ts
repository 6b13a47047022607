import type { Page } from '@switchboard/contracts';
import { api, HttpError, session } from '../../api/client.js';
import { navigate } from '../../router.js';
import type {
  Campaign,
  CampaignContact,
  ContactImportResult,
  ContactInput,
  ContactState,
  CampaignDetail,
  CampaignStatus,
  CreateCampaignRequest,
} from './types.js';
import type { CampaignAction } from './counters.js';

/** `/v1/campaigns` over the editor's session (see src/api/client.ts). */

/** newest first, optionally of one status */
export function listCampaigns(query: { status?: CampaignStatus | ''; cursor?: string } = {}, signal?: AbortSignal) {
  const params = new URLSearchParams({ limit: '50' });
  if (query.status) params.set('status', query.status);
  if (query.cursor) params.set('cursor', query.cursor);
  return api<Page<CampaignDetail>>(`/v1/campaigns?${params.toString()}`, signal ? { signal } : {});
}

export const getCampaign = (id: string, signal?: AbortSignal) =>
  api<CampaignDetail>(`/v1/campaigns/${id}`, signal ? { signal } : {});

export const createCampaign = (body: CreateCampaignRequest) => api<Campaign>('/v1/campaigns', { method: 'POST', body });

export const campaignAction = (id: string, action: CampaignAction) =>
  api<Campaign>(`/v1/campaigns/${id}/${action}`, { method: 'POST' });

export function listContacts(
  id: string,
  query: { state?: ContactState | ''; cursor?: string | null; limit?: number },
  signal?: AbortSignal,
) {
  const params = new URLSearchParams({ limit: String(query.limit ?? 50) });
  if (query.state) params.set('state', query.state);
  if (query.cursor) params.set('cursor', query.cursor);
  return api<Page<CampaignContact>>(`/v1/campaigns/${id}/contacts?${params.toString()}`, signal ? { signal } : {});
}

export const addContacts = (id: string, contacts: ContactInput[]) =>
  api<ContactImportResult>(`/v1/campaigns/${id}/contacts`, { method: 'POST', body: { contacts } });

/**
 * Uploads the CSV file as it is (`text/csv`, streamed by the browser) with the column mapping in the
 * query; the JSON helper cannot send a raw body, so this one repeats its session and error handling.
 */
export async function uploadContactsCsv(id: string, file: Blob, query: string): Promise<ContactImportResult> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'text/csv' };
  const token = session.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`/v1/campaigns/${id}/contacts${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers,
    body: file,
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    if (response.status === 401 && token) {
      session.clear();
      navigate({ name: 'login' });
    }
    throw new HttpError(response.status, (body as { error?: HttpError['body'] } | undefined)?.error);
  }
  return body as ContactImportResult;
}
