import { createHash } from 'node:crypto';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// docker compose turns `FOO=${FOO:-}` into an empty string: treat it as "not set".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

/** The API's default DATABASE_URL: the queue prefix is derived from it when neither is set. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/switchboard';

/** The API's BullMQ prefix: `sb:` and the first 12 hex digits of sha256(DATABASE_URL). */
export function queuePrefixFor(databaseUrl: string): string {
  return `sb:${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}`;
}

const AgentEnvSchema = z.object({
  API_URL: optional(
    z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).default('http://127.0.0.1:3000'),
  ),
  WORKER_TOKEN: z
    .string({ error: 'is required: the token the worker presents on the API /internal routes' })
    .min(16, 'must be at least 16 characters'),
  REDIS_URL: optional(
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).default('redis://127.0.0.1:6379'),
  ),
  LIVEKIT_URL: optional(
    z.url({ protocol: /^(wss?|https?)$/, error: 'must be a ws(s):// or http(s):// URL' }).optional(),
  ),
  LIVEKIT_API_KEY: optional(z.string().min(1).optional()),
  LIVEKIT_API_SECRET: optional(z.string().min(1).optional()),
  LIVEKIT_SIP_TRUNK_ID: optional(z.string().min(1).optional()),
  LIVEKIT_AGENT_NAME: optional(z.string().min(1).max(100).default('switchboard-agent')),
  LIVEKIT_CALLER_ID: optional(
    z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number')
      .optional(),
  ),
  LIVEKIT_RINGING_TIMEOUT_SECONDS: optional(z.coerce.number().int().min(5).max(120).default(30)),
  OPENAI_API_KEY: optional(z.string().min(1).optional()),
  OPENAI_BASE_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional()),
  OPENAI_MODEL: optional(z.string().min(1).default('gpt-4.1-mini')),
  OPENAI_STT_MODEL: optional(z.string().min(1).default('gpt-4o-mini-transcribe')),
  OPENAI_TTS_MODEL: optional(z.string().min(1).default('gpt-4o-mini-tts')),
  OPENAI_TTS_VOICE: optional(z.string().min(1).default('alloy')),
  OPENAI_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(60_000).default(4000)),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS).default('info')),
  QUEUE_PREFIX: optional(z.string().min(1).max(100).optional()),
  DATABASE_URL: optional(z.string().min(1).default(DEFAULT_DATABASE_URL)),
  WORKER_CONCURRENCY: optional(z.coerce.number().int().min(1).max(100).default(2)),
  WORKER_ID: optional(z.string().min(1).max(200).optional()),
  HTTP_TOOLS: optional(z.enum(['true', 'false', '1', '0']).default('false')),
  WORKER_LOCK_MS: optional(z.coerce.number().int().min(1_000).max(600_000).default(30_000)),
  SIMULATED_TURN_DELAY_MS: optional(z.coerce.number().int().min(0).max(60_000).default(0)),
});

export interface LiveKitConfig {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** outbound SIP trunk (`ST_…`) every call is dialled over (required with LIVEKIT_URL) */
  sipTrunkId: string;
  /**
   * the agent name the API dispatches web calls to (its LIVEKIT_AGENT_NAME); this worker does not
   * register as a LiveKit agent yet, so nothing uses it here
   */
  agentName: string;
  /** caller id presented when a call carries none */
  callerId?: string;
  ringingTimeoutSeconds: number;
}

export interface OpenAIConfig {
  apiKey: string;
  baseUrl?: string;
  model: string;
  sttModel: string;
  ttsModel: string;
  ttsVoice: string;
  /** one understanding request; past it the local understanding answers */
  timeoutMs: number;
}

/** Validated configuration of the call worker. */
export interface AgentConfig {
  apiUrl: string;
  workerToken: string;
  redisUrl: string;
  /** Real telephony when set; otherwise calls go to the simulated callee. */
  livekit?: LiveKitConfig;
  /** Real speech and language model when set; otherwise the deterministic local understanding. */
  openai?: OpenAIConfig;
  logLevel: (typeof LOG_LEVELS)[number];
  /** BullMQ prefix of the `calls` queue: QUEUE_PREFIX, else derived from DATABASE_URL like the API does */
  queuePrefix: string;
  /** calls run at once by this process */
  concurrency: number;
  /** the lease holder's name on claims (default: hostname:pid) */
  workerId?: string;
  /** run the flows' HTTP tools for real (builtins are always simulated) */
  httpTools: boolean;
  /**
   * BullMQ job lock (ms), renewed while a job runs; a killed worker's jobs come back after it (it is
   * also the stalled-check period). Re-running such a job is safe: its claim is refused.
   */
  lockMs: number;
  /**
   * Real time the simulated callee takes before each turn (ms; 0: none). Simulated calls otherwise
   * end in milliseconds; a delay keeps them in progress like real ones (demos, reliability drills).
   */
  simulatedTurnDelayMs: number;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AgentConfig {
  const parsed = AgentEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  if (values.LIVEKIT_URL) {
    // real telephony needs all of these; each missing one is named
    const missing: string[] = [];
    if (!(values.LIVEKIT_API_KEY && values.LIVEKIT_API_SECRET)) {
      missing.push('LIVEKIT_API_KEY: LIVEKIT_URL is set: LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required with it');
    }
    if (!values.LIVEKIT_SIP_TRUNK_ID) {
      // without a trunk every call would be claimed (its dial-time gate spent) only to fail
      missing.push(
        'LIVEKIT_SIP_TRUNK_ID: LIVEKIT_URL is set: the worker dials every call over this outbound SIP trunk (ST_…); leave LIVEKIT_URL unset for the simulated callee',
      );
    }
    if (!values.OPENAI_API_KEY) {
      // a live call needs speech-to-text and text-to-speech; the local understanding has no voice
      missing.push(
        'OPENAI_API_KEY: LIVEKIT_URL is set: live calls need OPENAI_API_KEY (speech-to-text and text-to-speech; OPENAI_BASE_URL for another OpenAI-compatible server)',
      );
    }
    if (missing.length > 0) throw new ConfigError(missing);
  }
  const config: AgentConfig = {
    apiUrl: values.API_URL.replace(/\/+$/, ''),
    workerToken: values.WORKER_TOKEN,
    redisUrl: values.REDIS_URL,
    logLevel: values.LOG_LEVEL,
    queuePrefix: values.QUEUE_PREFIX ?? queuePrefixFor(values.DATABASE_URL),
    concurrency: values.WORKER_CONCURRENCY,
    httpTools: values.HTTP_TOOLS === 'true' || values.HTTP_TOOLS === '1',
    lockMs: values.WORKER_LOCK_MS,
    simulatedTurnDelayMs: values.SIMULATED_TURN_DELAY_MS,
  };
  if (values.WORKER_ID) config.workerId = values.WORKER_ID;
  if (values.LIVEKIT_URL && values.LIVEKIT_API_KEY && values.LIVEKIT_API_SECRET && values.LIVEKIT_SIP_TRUNK_ID) {
    config.livekit = {
      url: values.LIVEKIT_URL,
      apiKey: values.LIVEKIT_API_KEY,
      apiSecret: values.LIVEKIT_API_SECRET,
      sipTrunkId: values.LIVEKIT_SIP_TRUNK_ID,
      agentName: values.LIVEKIT_AGENT_NAME,
      ringingTimeoutSeconds: values.LIVEKIT_RINGING_TIMEOUT_SECONDS,
      ...(values.LIVEKIT_CALLER_ID ? { callerId: values.LIVEKIT_CALLER_ID } : {}),
    };
  }
  if (values.OPENAI_API_KEY) {
    config.openai = {
      apiKey: values.OPENAI_API_KEY,
      model: values.OPENAI_MODEL,
      sttModel: values.OPENAI_STT_MODEL,
      ttsModel: values.OPENAI_TTS_MODEL,
      ttsVoice: values.OPENAI_TTS_VOICE,
      timeoutMs: values.OPENAI_TIMEOUT_MS,
      ...(values.OPENAI_BASE_URL ? { baseUrl: values.OPENAI_BASE_URL } : {}),
    };
  }
  return config;
}

/** What the worker will use, without a single secret: for the start-up log line. */
export function describeConfig(config: AgentConfig): Record<string, unknown> {
  return {
    apiUrl: config.apiUrl,
    redis: redactUrl(config.redisUrl),
    queue: `${config.queuePrefix}:calls`,
    concurrency: config.concurrency,
    httpTools: config.httpTools,
    lockMs: config.lockMs,
    // what voiceDeps (voice/index.ts) gives runCall: phone calls over LiveKit, or the simulated callee
    mode: config.livekit ? 'live' : 'simulated',
    telephony: config.livekit
      ? `livekit (${config.livekit.url}, trunk ${config.livekit.sipTrunkId})`
      : 'simulated callee',
    understanding: config.openai
      ? `openai ${config.openai.model} (${config.openai.baseUrl ?? 'default endpoint'})`
      : 'local, deterministic',
  };
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
