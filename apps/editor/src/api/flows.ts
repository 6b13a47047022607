import type {
  FlowDetail,
  FlowDiffResult,
  FlowSummary,
  FlowTemplate,
  FlowTestRun,
  FlowVersion,
  FlowVersionSummary,
  LoginResponse,
  Page,
  Simulation,
  SimulationTurnRequest,
  SimulationTurnResponse,
  StartSimulationRequest,
} from '@switchboard/contracts';
import { api } from './client.js';

export const login = (email: string, password: string) =>
  api<LoginResponse>('/v1/auth/login', { method: 'POST', body: { email, password } });
export const logout = () => api<void>('/v1/auth/logout', { method: 'POST' });

export function listFlows(query: { q?: string; status?: string }, signal?: AbortSignal) {
  const params = new URLSearchParams({ limit: '100' });
  if (query.q) params.set('q', query.q);
  if (query.status) params.set('status', query.status);
  return api<Page<FlowSummary>>(`/v1/flows?${params.toString()}`, signal ? { signal } : {});
}
export const listTemplates = () => api<Page<FlowTemplate>>('/v1/flow-templates?limit=100');
export const createFlow = (body: { templateId?: string; document?: Record<string, unknown>; name?: string }) =>
  api<FlowDetail>('/v1/flows', { method: 'POST', body });
export const importFlow = (document: unknown) =>
  api<FlowDetail>('/v1/flows/import', { method: 'POST', body: document });
export const getFlow = (id: string) => api<FlowDetail>(`/v1/flows/${id}`);
export const saveFlow = (
  id: string,
  body: { document: Record<string, unknown>; layout: unknown },
  revision: number | '*',
) =>
  api<FlowDetail>(`/v1/flows/${id}`, {
    method: 'PUT',
    body,
    headers: { 'if-match': revision === '*' ? '*' : `"${revision}"` },
  });
export const publishFlow = (id: string, message: string, revision: number) =>
  api<FlowVersionSummary>(`/v1/flows/${id}/publish`, { method: 'POST', body: { message, revision } });
export const testFlow = (id: string, scenarios?: string[]) =>
  api<FlowTestRun>(`/v1/flows/${id}/test`, { method: 'POST', body: scenarios ? { scenarios } : {} });
export const listVersions = (id: string) => api<Page<FlowVersionSummary>>(`/v1/flows/${id}/versions?limit=100`);
export const getVersion = (id: string, n: number) => api<FlowVersion>(`/v1/flows/${id}/versions/${n}`);
export const diffVersions = (id: string, a: number, b: number) =>
  api<FlowDiffResult>(`/v1/flows/${id}/versions/${a}/diff/${b}`);
export const exportFlow = (id: string) => api<Record<string, unknown>>(`/v1/flows/${id}/export`);

export const startSimulation = (flowId: string, body: StartSimulationRequest) =>
  api<Simulation>(`/v1/flows/${flowId}/simulations`, { method: 'POST', body });
export const sendTurn = (simulationId: string, turn: SimulationTurnRequest) =>
  api<SimulationTurnResponse>(`/v1/simulations/${simulationId}/turns`, { method: 'POST', body: turn });
export const deleteSimulation = (simulationId: string) =>
  api<void>(`/v1/simulations/${simulationId}`, { method: 'DELETE' });
