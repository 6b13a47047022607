import { initializeLogger, llm } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import {
  type CaptureType,
  type ExtractSpec,
  type LanguageUnderstanding,
  LocalUnderstanding,
  type UnderstandRequest,
  type UnderstandResult,
} from '@switchboard/flow';
import type { Logger } from '../logger.js';

export interface OpenAIUnderstandingOptions {
  apiKey: string;
  /** any OpenAI-compatible endpoint (`…/v1`); default OpenAI's */
  baseUrl?: string;
  model: string;
  /** past this the local understanding answers the turn */
  timeoutMs: number;
  logger: Logger;
  fallback?: LanguageUnderstanding;
}

const TOOL_NAME = 'record_understanding';

/** JSON Schema of one extracted value, by the flow's capture type. */
function valueSchema(spec: ExtractSpec): Record<string, unknown> {
  const described = (schema: Record<string, unknown>, format: string) => ({
    ...schema,
    description: [spec.description, format].filter(Boolean).join(' — '),
  });
  switch (spec.type) {
    case 'yes_no':
      return described({ type: ['boolean', 'null'] }, 'true for yes, false for no');
    case 'number':
      return described({ type: ['number', 'null'] }, 'a number');
    case 'date':
      return described({ type: ['string', 'null'] }, 'YYYY-MM-DD');
    case 'time':
      return described({ type: ['string', 'null'] }, 'HH:mm, 24-hour');
    case 'datetime':
      return described({ type: ['string', 'null'] }, 'ISO 8601 with the UTC offset');
    case 'phone':
      return described({ type: ['string', 'null'] }, 'E.164, e.g. +14155550142');
    case 'digits':
      return described({ type: ['string', 'null'] }, 'digits only');
    default:
      return described({ type: ['string', 'null'] }, 'the words as said');
  }
}

const CHECKS: Record<CaptureType, (value: unknown) => boolean> = {
  yes_no: (v) => typeof v === 'boolean',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  time: (v) => typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v),
  datetime: (v) => typeof v === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  phone: (v) => typeof v === 'string' && /^\+[1-9]\d{6,14}$/.test(v),
  digits: (v) => typeof v === 'string' && /^\d+$/.test(v),
  choice: (v) => typeof v === 'string' && v.length > 0,
  text: (v) => typeof v === 'string' && v.trim().length > 0,
};

let agentsLoggerReady = false;
/** @livekit/agents logs through its own pino instance and refuses to run before it exists. */
export function ensureAgentsLogger(level = 'warn'): void {
  if (agentsLoggerReady) return;
  initializeLogger({ pretty: false, level });
  agentsLoggerReady = true;
}

/**
 * Language understanding on an OpenAI-compatible chat model, through the LiveKit OpenAI
 * plugin's LLM: one forced tool call per callee turn returns the intent (one of the
 * candidates' ids, or null) and the llm node's extraction targets, typed by JSON Schema.
 *
 * The deterministic LocalUnderstanding always runs too. It answers alone when the model
 * fails, times out or returns something malformed (logged), and its intent stands when it
 * names an earlier candidate than the model's: candidates come in priority order with the
 * globals (opt-out first) ahead, so a model can add understanding but never talk a clear
 * "stop calling me" out of being an opt-out. Question captures stay local: their formats
 * (numbers, dates in the flow's zone, E.164) are exact rules, not a model's guess.
 */
export class OpenAIUnderstanding implements LanguageUnderstanding {
  private readonly model: openai.LLM;
  private readonly fallback: LanguageUnderstanding;
  fallbacks = 0;

  constructor(private readonly options: OpenAIUnderstandingOptions) {
    ensureAgentsLogger();
    this.model = new openai.LLM({
      model: options.model,
      apiKey: options.apiKey,
      ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
      temperature: 0,
      toolChoice: { type: 'function', function: { name: TOOL_NAME } },
    });
    // the plugin reports stream errors as 'error' events too: an EventEmitter without a
    // listener would throw them out of band; they are handled where chat() is awaited
    this.model.on('error', () => undefined);
    this.fallback = options.fallback ?? new LocalUnderstanding();
  }

  async understand(request: UnderstandRequest): Promise<UnderstandResult> {
    const local = await this.fallback.understand(request);
    const extract = request.extract ?? [];
    const askable = request.candidates.filter((c) => c.prompt || c.intent || c.examples?.length || c.label);
    if (askable.length === 0 && extract.length === 0) return local;
    try {
      const answer = await this.ask(request, askable, extract);
      return this.merge(request, local, answer);
    } catch (error) {
      this.fallbacks++;
      this.options.logger.warn(
        { err: error, model: this.options.model, timeoutMs: this.options.timeoutMs },
        'language model unavailable: the local understanding answers this turn',
      );
      return local;
    }
  }

  private async ask(
    request: UnderstandRequest,
    candidates: UnderstandRequest['candidates'],
    extract: ExtractSpec[],
  ): Promise<{ intent: string | null; extracted: Record<string, unknown> }> {
    const ids = candidates.map((c) => c.id);
    const parameters = {
      type: 'object',
      properties: {
        intent: {
          type: ['string', 'null'],
          enum: [...ids, null],
          description: 'the id of the one intent the caller expresses, or null when none clearly applies',
        },
        extracted: {
          type: 'object',
          properties: Object.fromEntries(extract.map((spec) => [spec.var, valueSchema(spec)])),
          required: extract.map((spec) => spec.var),
          additionalProperties: false,
        },
      },
      required: ['intent', 'extracted'],
      additionalProperties: false,
    };
    const chatCtx = llm.ChatContext.empty();
    chatCtx.addMessage({
      role: 'system',
      content: [
        'You classify one turn of a phone call placed by an automated agent. Call the tool exactly once.',
        `Now: ${request.now.toISOString()} (time zone ${request.timezone}, locale ${request.locale}); resolve relative dates against it.`,
        candidates.length
          ? `Intents, in priority order:\n${candidates
              .map(
                (c) =>
                  `- ${c.id}: ${[c.label, c.prompt, c.intent && `(built-in: ${c.intent})`, c.examples?.length ? `e.g. ${c.examples.map((e) => `"${e}"`).join(', ')}` : ''].filter(Boolean).join(' ')}`,
              )
              .join('\n')}`
          : 'There are no intents to choose from: intent is null.',
        extract.length
          ? 'Extract each value only if the caller actually said it; otherwise null.'
          : 'Nothing to extract: extracted is {}.',
      ].join('\n'),
    });
    chatCtx.addMessage({ role: 'user', content: request.text });

    let recorded: unknown;
    const record = llm.tool({
      name: TOOL_NAME,
      description: 'Record what the caller meant in this turn.',
      parameters: parameters as never,
      execute: async (args: unknown) => {
        recorded = args;
        return 'ok';
      },
    });
    const stream = this.model.chat({
      chatCtx,
      toolCtx: [record],
      toolChoice: { type: 'function', function: { name: TOOL_NAME } },
      connOptions: { maxRetry: 0, retryIntervalMs: 0, timeoutMs: this.options.timeoutMs },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        stream.close();
        reject(new Error(`no answer from the model within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
    });
    try {
      const response = await Promise.race([stream.collect(), timeout]);
      const call = response.toolCalls.find((c) => c.name === TOOL_NAME);
      if (!call) throw new Error('the model did not call the understanding tool');
      recorded = JSON.parse(call.args || '{}');
    } finally {
      clearTimeout(timer);
    }
    const value = recorded as { intent?: unknown; extracted?: unknown };
    if (typeof value !== 'object' || value === null) throw new Error('the model answered with no arguments');
    const intent = typeof value.intent === 'string' && ids.includes(value.intent) ? value.intent : null;
    const extracted =
      typeof value.extracted === 'object' && value.extracted !== null
        ? (value.extracted as Record<string, unknown>)
        : {};
    return { intent, extracted };
  }

  private merge(
    request: UnderstandRequest,
    local: UnderstandResult,
    model: { intent: string | null; extracted: Record<string, unknown> },
  ): UnderstandResult {
    const result: UnderstandResult = { ...local, extracted: { ...local.extracted } };
    const rank = (id: string | undefined) =>
      id === undefined ? Infinity : request.candidates.findIndex((c) => c.id === id);
    if (model.intent !== null && rank(model.intent) <= rank(local.intent?.id)) {
      result.intent = { id: model.intent, confidence: Math.max(0.9, local.intent?.confidence ?? 0) };
    }
    for (const spec of request.extract ?? []) {
      const value = model.extracted[spec.var];
      // the model read the whole turn: its "not said" (null) beats a local rule's guess, while a
      // value of the wrong shape is ignored and the local value, if any, stays
      if (value === null) delete result.extracted[spec.var];
      else if (value !== undefined && CHECKS[spec.type](value)) result.extracted[spec.var] = value;
    }
    return result;
  }
}
