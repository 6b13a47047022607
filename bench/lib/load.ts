/** What the HTTP benches share around autocannon. */
import type autocannon from 'autocannon';

/** `0`, or the count with its status codes (`12 (429 × 12)`). */
export function nonSuccess(result: autocannon.Result): string {
  if (result.non2xx === 0) return '0';
  const stats = (result as autocannon.Result & { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats;
  const codes = Object.entries(stats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, { count }]) => `${code} × ${count}`)
    .join(', ');
  return `${result.non2xx}${codes ? ` (${codes})` : ''}`;
}

/** One JSON request; throws unless the answer has status `expect`. */
export async function call<T>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; expect: number },
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  if (res.status !== options.expect) {
    throw new Error(`${method} ${path}: expected ${options.expect}, got ${res.status}: ${text.slice(0, 500)}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
