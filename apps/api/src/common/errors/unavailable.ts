/**
 * Errors that say a backing service is unreachable rather than that the request was wrong: the
 * API answers them 503 (retry later), not 500. Postgres through pg/TypeORM: refused or reset
 * connections, connect timeouts, a server shutting down or not accepting connections yet.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** SQLSTATE classes 08 (connection exception) and 57P0x (operator intervention: shutdown, restart) */
const SQLSTATE = /^(08\d{3}|57P0[1-4]|53300)$/;
const MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection timeout|Connection refused|the database system is (starting up|shutting down|in recovery mode)/i;

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = codeOf(error);
  if (code && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
  if (MESSAGES.test(error.message)) return true;
  // TypeORM's QueryFailedError keeps pg's error as driverError; AggregateError lists each address tried
  const listed: unknown = (error as { errors?: unknown }).errors;
  const inner: unknown[] = [
    (error as { driverError?: unknown }).driverError,
    error.cause,
    ...(Array.isArray(listed) ? (listed as unknown[]) : []),
  ];
  return inner.some((candidate) => candidate !== error && isDatabaseUnavailable(candidate, depth + 1));
}
