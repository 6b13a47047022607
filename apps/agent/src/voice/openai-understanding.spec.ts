import type { UnderstandRequest } from '@switchboard/flow';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIUnderstanding } from './openai-understanding.js';
import { FakeOpenAI } from './testing/fake-openai.js';

const KEY = 'sk-test-understanding';

function request(overrides: Partial<UnderstandRequest> = {}): UnderstandRequest {
  return {
    text: "I'd like to move it to next Tuesday, my number is four one five, five five five, zero one four two",
    candidates: [
      { id: 'g_opt_out', intent: 'opt_out' },
      { id: 'e_reschedule', prompt: 'The caller wants to reschedule', label: 'Reschedule' },
      { id: 'e_cancel', prompt: 'The caller wants to cancel the appointment', label: 'Cancel' },
    ],
    extract: [
      { var: 'new_date', type: 'date', description: 'the day they want instead' },
      { var: 'callback', type: 'phone' },
      { var: 'party_size', type: 'number' },
    ],
    now: new Date('2026-11-20T15:00:00Z'),
    timezone: 'America/Los_Angeles',
    locale: 'en-US',
    ...overrides,
  };
}

describe('OpenAIUnderstanding over an OpenAI-compatible endpoint', () => {
  let server: FakeOpenAI;
  const logged: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });

  beforeAll(async () => {
    server = await FakeOpenAI.start(KEY);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    logged.length = 0;
  });

  const understanding = (timeoutMs = 2000) =>
    new OpenAIUnderstanding({ apiKey: KEY, baseUrl: server.baseUrl, model: 'gpt-4.1-mini', timeoutMs, logger });

  it('extracts the node fields and picks the intent through a forced tool call', async () => {
    server.respond = () => ({
      toolCall: {
        name: 'record_understanding',
        arguments: {
          intent: 'e_reschedule',
          extracted: { new_date: '2026-11-24', callback: '+14155550142', party_size: null },
        },
      },
    });
    const result = await understanding().understand(request());

    expect(result.intent).toEqual({ id: 'e_reschedule', confidence: 0.9 });
    expect(result.extracted).toMatchObject({ new_date: '2026-11-24', callback: '+14155550142' });
    expect(result.extracted).not.toHaveProperty('party_size');

    const [sent] = server.requests;
    expect(sent?.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.body).toMatchObject({
      model: 'gpt-4.1-mini',
      stream: true,
      tool_choice: { type: 'function', function: { name: 'record_understanding' } },
    });
    const tool = sent?.body.tools?.[0]?.function;
    expect(tool?.name).toBe('record_understanding');
    expect(tool?.parameters).toMatchObject({
      properties: {
        intent: { enum: ['g_opt_out', 'e_reschedule', 'e_cancel', null] },
        extracted: { required: ['new_date', 'callback', 'party_size'] },
      },
    });
    expect(JSON.stringify(sent?.body.messages)).toContain('next Tuesday');
  });

  it('drops values of the wrong type and intents that are not candidates', async () => {
    server.respond = () => ({
      toolCall: {
        name: 'record_understanding',
        arguments: { intent: 'e_made_up', extracted: { new_date: 'next Tuesday', callback: '415-555', party_size: 4 } },
      },
    });
    const result = await understanding().understand(request({ text: 'four of us' }));
    expect(result.intent).toBeUndefined();
    expect(result.extracted).toEqual({ party_size: 4 });
  });

  it('keeps a local opt-out over a model that heard something else', async () => {
    server.respond = () => ({
      toolCall: { name: 'record_understanding', arguments: { intent: 'e_cancel', extracted: {} } },
    });
    const result = await understanding().understand(
      request({ text: 'Stop calling me, take me off your list', extract: [] }),
    );
    expect(result.intent?.id).toBe('g_opt_out');
  });

  it('falls back to the local understanding on a model error, and logs it', async () => {
    server.respond = () => ({
      error: { status: 500, message: 'The server had an error while processing your request.' },
    });
    const model = understanding();
    const result = await model.understand(request({ text: 'stop calling me' }));

    expect(result.intent?.id).toBe('g_opt_out');
    expect(model.fallbacks).toBe(1);
    expect(logged.at(-1)).toMatchObject({ level: 40, msg: expect.stringContaining('local understanding answers') });
  });

  it('falls back when the model does not answer in time', async () => {
    server.respond = () => ({ hang: true });
    const model = understanding(300);
    // the server never answers: only the timeout can end this call (else the test times out)
    const result = await model.understand(
      request({ text: 'my number is +1 415 555 0142', extract: [{ var: 'callback', type: 'phone' }] }),
    );

    expect(model.fallbacks).toBe(1);
    // the local understanding's own extraction
    expect(result.extracted).toEqual({ callback: '+14155550142' });
  });

  it('falls back on a wrong key (401) and on a model that answers in prose', async () => {
    const wrongKey = new OpenAIUnderstanding({
      apiKey: 'sk-wrong',
      baseUrl: server.baseUrl,
      model: 'm',
      timeoutMs: 2000,
      logger,
    });
    await wrongKey.understand(request());
    expect(wrongKey.fallbacks).toBe(1);

    server.respond = () => ({ text: 'The caller wants to reschedule.' });
    const prose = understanding();
    await prose.understand(request());
    expect(prose.fallbacks).toBe(1);
  });

  it('does not call the model when there is nothing to ask it', async () => {
    const result = await understanding().understand(request({ candidates: [], extract: [], text: 'yes' }));
    expect(result).toEqual({ extracted: {} });
    expect(server.requests).toHaveLength(0);
  });
});
