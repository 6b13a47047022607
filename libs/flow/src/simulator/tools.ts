import type { ToolMock } from '../schema/index.js';
import type { ToolCall, ToolOutcome, ToolRunner } from '../runtime/types.js';

/**
 * Built-in tools: what the platform itself knows. In simulation they answer plausibly
 * from their input; the worker's real implementations call the API.
 */
export const BUILTIN_TOOLS = {
  'contact.lookup': 'Returns the contact fields of the callee',
  'callback.schedule': 'Schedules a callback (input: at, reason)',
  'lead.mark': 'Marks the lead with a status (input: status, notes)',
  'call.note': 'Adds a note to the call record (input: text)',
} as const;
export type BuiltinToolName = keyof typeof BUILTIN_TOOLS;

export function isBuiltinTool(name: string): name is BuiltinToolName {
  return Object.hasOwn(BUILTIN_TOOLS, name);
}

export function simulateBuiltin(call: ToolCall, variables: Record<string, unknown> = {}): ToolOutcome {
  if (call.tool.kind !== 'builtin') return { status: 'error', error: `${call.tool.id} is not a builtin tool` };
  const input = call.input;
  switch (call.tool.name) {
    case 'contact.lookup':
      return { status: 'success', result: { found: true, contact: { ...variables, ...input } } };
    case 'callback.schedule':
      return {
        status: 'success',
        result: { scheduled: true, id: 'cb_simulated', at: input['at'] ?? input['when'] ?? null, ...input },
      };
    case 'lead.mark':
      return { status: 'success', result: { ok: true, status: input['status'] ?? null } };
    case 'call.note':
      return { status: 'success', result: { ok: true } };
    default:
      return { status: 'error', error: `unknown builtin tool "${call.tool.name}"` };
  }
}

/** Calls HTTP tools for real (fetch), with the tool's timeout. */
export class HttpToolRunner implements ToolRunner {
  constructor(private readonly fetchImpl: typeof fetch = fetch) {}

  async run(call: ToolCall): Promise<ToolOutcome> {
    if (call.tool.kind === 'builtin') return simulateBuiltin(call);
    const request = call.request;
    if (!request) return { status: 'error', error: 'no request was built for this tool' };
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    try {
      const response = await this.fetchImpl(request.url, {
        method: request.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(call.timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) return { status: 'error', error: `HTTP ${response.status}` };
      return { status: 'success', result: parseBody(text) };
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') return { status: 'timeout' };
      return { status: 'error', error: (error as Error).message ?? String(error) };
    }
  }
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Tools of a scenario: mocked results by tool id (a list is used call after call, its last
 * entry repeating); builtins without a mock are simulated; HTTP tools without a mock fail
 * unless real HTTP calls were asked for.
 */
export class ScenarioToolRunner implements ToolRunner {
  private readonly calls = new Map<string, number>();

  constructor(
    private readonly mocks: Record<string, ToolMock | ToolMock[]> = {},
    private readonly http: ToolRunner | null = null,
  ) {}

  async run(call: ToolCall): Promise<ToolOutcome> {
    const mock = this.mocks[call.tool.id];
    if (mock !== undefined) {
      const n = this.calls.get(call.tool.id) ?? 0;
      this.calls.set(call.tool.id, n + 1);
      const current = Array.isArray(mock) ? mock[Math.min(n, mock.length - 1)]! : mock;
      if ('timeout' in current) return { status: 'timeout' };
      if ('error' in current) return { status: 'error', error: current.error };
      return { status: 'success', result: current.result };
    }
    if (call.tool.kind === 'builtin') return simulateBuiltin(call);
    if (this.http) return this.http.run(call);
    return {
      status: 'error',
      error: `no mock for tool "${call.tool.id}" in this scenario (add "tools": {"${call.tool.id}": {"result": …}} or run with --http-tools)`,
    };
  }
}
