/** What `GET /health` answers (200 or 503 alike). */
export interface HealthReport {
  status: 'ok' | 'error';
  checks: Record<string, { status: 'up' | 'down'; latencyMs: number; error?: string }>;
}

export type HealthView =
  | { state: 'loading' }
  | { state: 'unreachable'; message: string }
  | { state: 'ok' | 'degraded'; services: { name: string; up: boolean; detail: string }[] };

function isHealthReport(value: unknown): value is HealthReport {
  if (typeof value !== 'object' || value === null) return false;
  const { status, checks } = value as Partial<HealthReport>;
  return (status === 'ok' || status === 'error') && typeof checks === 'object' && checks !== null;
}

/** Turns what the API answered (or failed to) into what the page shows. Pure, so it is tested alone. */
export function toHealthView(result: { body: unknown } | { error: unknown }): HealthView {
  if ('error' in result) {
    const message = result.error instanceof Error ? result.error.message : String(result.error);
    return { state: 'unreachable', message: `The API did not answer (${message}). Is it running? Try npm start.` };
  }
  if (!isHealthReport(result.body)) {
    return { state: 'unreachable', message: 'The API answered something that is not a health report.' };
  }
  const services = Object.entries(result.body.checks)
    .map(([name, check]) => ({
      name,
      up: check.status === 'up',
      detail: check.status === 'up' ? `${check.latencyMs} ms` : (check.error ?? 'down'),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { state: result.body.status === 'ok' ? 'ok' : 'degraded', services };
}

/** Asks the API (through the dev server's proxy, or the same origin in production) how it is. */
export async function fetchHealth(signal?: AbortSignal): Promise<HealthView> {
  try {
    const response = await fetch('/health', { headers: { accept: 'application/json' }, signal: signal ?? null });
    // A 503 still carries the report: which dependency is down is the useful part.
    const body: unknown = await response.json().catch(() => undefined);
    return toHealthView({ body });
  } catch (error) {
    return toHealthView({ error });
  }
}
