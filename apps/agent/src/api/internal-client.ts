import {
  ApiErrorSchema,
  type CallClaim,
  CallClaimSchema,
  CallEventsAckSchema,
  type CallEventsBody,
  type CallLease,
  CallLeaseSchema,
  type CallOptOutBody,
  CallOptOutResultSchema,
  CallSchema,
  type ClaimCallBodySchema,
  type CompleteCallBody,
  type RenewCallLeaseBody,
} from '@switchboard/contracts';
import { type z } from 'zod';

/** The API refused the request (4xx): retrying the same request will not help. */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'ApiRefusal';
  }
}

/** The API could not be reached or kept failing (network errors, timeouts, 5xx) after the retries. */
export class ApiUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiUnavailable';
  }
}

export interface InternalClientOptions {
  apiUrl: string;
  workerToken: string;
  /** per request (default 10 s) */
  timeoutMs?: number;
  /** attempts of a retried request, the first included (default 4) */
  attempts?: number;
  /** first back-off, doubled each retry (default 200 ms) */
  backoffMs?: number;
  fetchImpl?: typeof fetch;
}

export type CompleteResult = z.infer<typeof CompleteAckSchema>;
const CompleteAckSchema = CallSchema;

/**
 * Typed client of the API's `/internal/calls/*` routes, authenticated with the worker token.
 * Events, opt-out and complete are retried with exponential back-off on network errors,
 * timeouts and 5xx (they are idempotent on the API: events by seq, opt-out and complete by
 * the call's state). The claim is never retried: a lost answer might have taken the lease,
 * and a second claim of the same attempt is refused anyway.
 */
export class InternalClient {
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: InternalClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 200;
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  /** `leaseSeconds` may be left out: the API grants its own CALL_LEASE_SECONDS */
  claim(callId: string, body: z.input<typeof ClaimCallBodySchema>): Promise<CallClaim> {
    return this.post(callId, 'claim', body, CallClaimSchema, false);
  }

  /** Extends the lease (idempotent: a retried renewal only moves the end again); 409 CALL_LEASE_LOST when lost. */
  renewLease(callId: string, body: RenewCallLeaseBody): Promise<CallLease> {
    return this.post(callId, 'lease', body, CallLeaseSchema, true);
  }

  events(callId: string, body: CallEventsBody): Promise<z.infer<typeof CallEventsAckSchema>> {
    return this.post(callId, 'events', body, CallEventsAckSchema, true);
  }

  optOut(callId: string, body: CallOptOutBody): Promise<z.infer<typeof CallOptOutResultSchema>> {
    return this.post(callId, 'opt-out', body, CallOptOutResultSchema, true);
  }

  complete(callId: string, body: CompleteCallBody): Promise<CompleteResult> {
    return this.post(callId, 'complete', body, CompleteAckSchema, true);
  }

  private async post<T extends z.ZodType>(
    callId: string,
    route: string,
    body: unknown,
    schema: T,
    retry: boolean,
  ): Promise<z.infer<T>> {
    const url = `${this.options.apiUrl}/internal/calls/${encodeURIComponent(callId)}/${route}`;
    const attempts = retry ? this.attempts : 1;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(this.backoffMs * 2 ** (attempt - 2));
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.options.workerToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        lastError = error;
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.status >= 500) {
        lastError = new Error(`${response.status} from ${route}: ${text.slice(0, 200)}`);
        continue;
      }
      const json = parseJson(text);
      if (!response.ok) {
        const parsed = ApiErrorSchema.safeParse(json);
        if (parsed.success) {
          const { code, message, details } = parsed.data.error;
          throw new ApiRefusal(response.status, code, message, details);
        }
        throw new ApiRefusal(response.status, 'HTTP_ERROR', text.slice(0, 200) || response.statusText);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new Error(`unexpected answer from ${route}: ${parsed.error.message}`);
      return parsed.data;
    }
    throw new ApiUnavailable(`POST ${route} failed after ${attempts} attempt(s)`, { cause: lastError });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
