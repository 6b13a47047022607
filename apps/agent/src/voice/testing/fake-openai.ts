import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible Chat Completions endpoint (`POST /v1/chat/completions`) for tests: it
 * checks the bearer key, streams answers as server-sent `chat.completion.chunk`s the way
 * OpenAI does (tool-call arguments split over several chunks, a usage chunk, `[DONE]`), and
 * can fail with an OpenAI error body or never answer (a timeout).
 */

export type FakeCompletion =
  | { toolCall: { name: string; arguments: Record<string, unknown> } }
  | { text: string }
  | { error: { status: number; message: string } }
  | { hang: true };

export interface ChatRequest {
  authorization: string | undefined;
  body: {
    model: string;
    stream?: boolean;
    messages: { role: string; content: unknown }[];
    tools?: { type: string; function: { name: string; description?: string; parameters: Record<string, unknown> } }[];
    tool_choice?: unknown;
  };
}

export class FakeOpenAI {
  readonly requests: ChatRequest[] = [];
  /** answers the next request; the default answers with an empty understanding */
  respond: (request: ChatRequest) => FakeCompletion = () => ({ text: '' });
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  static async start(apiKey = 'sk-test-fake'): Promise<FakeOpenAI> {
    let fake: FakeOpenAI | undefined = undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeOpenAI(server, `http://127.0.0.1:${port}/v1`, apiKey);
    return fake;
  }

  close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      return this.error(res, 404, `Unknown request URL: ${req.method} ${req.url}`);
    }
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.error(res, 401, 'Incorrect API key provided.');
    }
    const request: ChatRequest = {
      authorization: req.headers.authorization,
      body: JSON.parse(raw) as ChatRequest['body'],
    };
    this.requests.push(request);
    const completion = this.respond(request);
    if ('hang' in completion) {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if ('error' in completion) return this.error(res, completion.error.status, completion.error.message);

    const id = `chatcmpl-${randomUUID()}`;
    const base = {
      id,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model,
    };
    const chunks: unknown[] = [];
    if ('toolCall' in completion) {
      const args = JSON.stringify(completion.toolCall.arguments);
      const half = Math.ceil(args.length / 2);
      chunks.push({
        ...base,
        choices: [
          {
            index: 0,
            delta: {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  index: 0,
                  id: `call_${randomUUID().slice(0, 8)}`,
                  type: 'function',
                  function: { name: completion.toolCall.name, arguments: '' },
                },
              ],
            },
            finish_reason: null,
          },
        ],
      });
      for (const part of [args.slice(0, half), args.slice(half)]) {
        chunks.push({
          ...base,
          choices: [
            { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: part } }] }, finish_reason: null },
          ],
        });
      }
      chunks.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
    } else {
      chunks.push({
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: completion.text }, finish_reason: null }],
      });
      chunks.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    }
    chunks.push({ ...base, choices: [], usage: { prompt_tokens: 120, completion_tokens: 18, total_tokens: 138 } });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  private error(res: ServerResponse, status: number, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null },
      }),
    );
  }
}
