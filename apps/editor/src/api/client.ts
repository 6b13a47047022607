import type { ApiError } from '@switchboard/contracts';

const TOKEN_KEY = 'switchboard.token';

/** The session token lives in sessionStorage: gone when the tab closes, never in localStorage. */
export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string, organization: string, email: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(`${TOKEN_KEY}.who`, JSON.stringify({ organization, email }));
  },
  who(): { organization: string; email: string } | null {
    const raw = sessionStorage.getItem(`${TOKEN_KEY}.who`);
    return raw ? (JSON.parse(raw) as { organization: string; email: string }) : null;
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(`${TOKEN_KEY}.who`);
  },
};

/** A 4xx/5xx answer of the API, with its error envelope. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError['error'] | undefined,
  ) {
    super(body?.message ?? `The API answered ${status}.`);
    this.name = 'HttpError';
  }
  get code(): string | undefined {
    return this.body?.code;
  }
}

let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** JSON over HTTP with the session token; a 401 signs out. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = session.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    signal: options.signal ?? null,
  });
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    if (response.status === 401 && token) {
      session.clear();
      onUnauthorized();
    }
    throw new HttpError(response.status, (body as ApiError | undefined)?.error);
  }
  return body as T;
}
