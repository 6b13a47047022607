import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, queuePrefixFor } from './config.js';

const TOKEN = 'wt_0123456789abcdef';

function issuesOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('agent loadConfig', () => {
  it('needs only a worker token on a local machine: no LiveKit, no OpenAI', () => {
    expect(loadConfig({ WORKER_TOKEN: TOKEN })).toEqual({
      apiUrl: 'http://127.0.0.1:3000',
      workerToken: TOKEN,
      redisUrl: 'redis://127.0.0.1:6379',
      logLevel: 'info',
      queuePrefix: queuePrefixFor('postgres://postgres@127.0.0.1:5432/switchboard'),
      concurrency: 2,
      httpTools: false,
      lockMs: 30_000,
      simulatedTurnDelayMs: 0,
    });
  });

  it('lets the simulated callee take real time per turn, within bounds', () => {
    expect(loadConfig({ WORKER_TOKEN: TOKEN, SIMULATED_TURN_DELAY_MS: '250' }).simulatedTurnDelayMs).toBe(250);
    expect(() => loadConfig({ WORKER_TOKEN: TOKEN, SIMULATED_TURN_DELAY_MS: '-1' })).toThrow(/SIMULATED_TURN_DELAY_MS/);
  });

  it('takes the job lock (how soon the jobs of a killed worker come back), within bounds', () => {
    expect(loadConfig({ WORKER_TOKEN: TOKEN, WORKER_LOCK_MS: '2000' }).lockMs).toBe(2_000);
    expect(() => loadConfig({ WORKER_TOKEN: TOKEN, WORKER_LOCK_MS: '10' })).toThrow(/WORKER_LOCK_MS/);
  });

  it('takes the queue prefix as given, or derives it from DATABASE_URL like the API', () => {
    expect(loadConfig({ WORKER_TOKEN: TOKEN, QUEUE_PREFIX: 'sb:test' }).queuePrefix).toBe('sb:test');
    const derived = loadConfig({ WORKER_TOKEN: TOKEN, DATABASE_URL: 'postgres://u@db:5432/x' }).queuePrefix;
    expect(derived).toMatch(/^sb:[0-9a-f]{12}$/);
    expect(derived).toBe(queuePrefixFor('postgres://u@db:5432/x'));
    expect(loadConfig({ WORKER_TOKEN: TOKEN, WORKER_CONCURRENCY: '5' }).concurrency).toBe(5);
  });

  it('rejects a missing or short worker token, naming it', () => {
    expect(issuesOf({})).toEqual([expect.stringMatching(/^WORKER_TOKEN: is required/)]);
    expect(issuesOf({ WORKER_TOKEN: 'short' })).toEqual([expect.stringMatching(/^WORKER_TOKEN: .*16/)]);
  });

  it('rejects URLs of the wrong kind, each by name', () => {
    const issues = issuesOf({
      WORKER_TOKEN: TOKEN,
      API_URL: 'ftp://api',
      REDIS_URL: 'http://redis',
      LIVEKIT_URL: 'not a url',
    });
    expect(issues.map((issue) => issue.split(':')[0]).sort()).toEqual(['API_URL', 'LIVEKIT_URL', 'REDIS_URL']);
  });

  it('switches real telephony on only with the URL, key, secret, SIP trunk and a speech key together', () => {
    expect(issuesOf({ WORKER_TOKEN: TOKEN, LIVEKIT_URL: 'wss://lk.example.test' })).toEqual([
      expect.stringContaining('LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required'),
      expect.stringMatching(/^LIVEKIT_SIP_TRUNK_ID: .*dials every call/),
      expect.stringMatching(/^OPENAI_API_KEY: /),
    ]);
    expect(
      issuesOf({
        WORKER_TOKEN: TOKEN,
        LIVEKIT_URL: 'wss://lk.example.test',
        LIVEKIT_API_KEY: 'key',
        LIVEKIT_API_SECRET: 'secret',
        OPENAI_API_KEY: 'sk-test',
      }),
    ).toEqual([expect.stringMatching(/^LIVEKIT_SIP_TRUNK_ID: /)]);
    const config = loadConfig({
      WORKER_TOKEN: TOKEN,
      LIVEKIT_URL: 'wss://lk.example.test',
      LIVEKIT_API_KEY: 'key',
      LIVEKIT_API_SECRET: 'secret',
      LIVEKIT_SIP_TRUNK_ID: 'ST_out',
      OPENAI_API_KEY: 'sk-test',
      API_URL: 'http://api:3000/',
    });
    expect(config.livekit).toEqual({
      url: 'wss://lk.example.test',
      apiKey: 'key',
      apiSecret: 'secret',
      sipTrunkId: 'ST_out',
      agentName: 'switchboard-agent',
      ringingTimeoutSeconds: 30,
    });
    expect(config.openai).toEqual({
      apiKey: 'sk-test',
      model: 'gpt-4.1-mini',
      sttModel: 'gpt-4o-mini-transcribe',
      ttsModel: 'gpt-4o-mini-tts',
      ttsVoice: 'alloy',
      timeoutMs: 4000,
    });
    expect(config.apiUrl).toBe('http://api:3000');
  });

  it('treats empty variables (docker compose `${X:-}`) as unset', () => {
    const config = loadConfig({ WORKER_TOKEN: TOKEN, LIVEKIT_URL: '', OPENAI_API_KEY: '', LOG_LEVEL: '' });
    expect(config.livekit).toBeUndefined();
    expect(config.openai).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });

  it('describes itself without secrets', () => {
    const config = loadConfig({
      WORKER_TOKEN: TOKEN,
      REDIS_URL: 'redis://:hunter2@cache:6379',
      OPENAI_API_KEY: 'sk-secret',
    });
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toMatch(/hunter2|sk-secret|wt_0123/);
    expect(describeConfig(config)).toMatchObject({
      mode: 'simulated',
      telephony: 'simulated callee',
      understanding: 'openai gpt-4.1-mini (default endpoint)',
    });
  });

  it('takes the SIP trunk, agent name, caller id and model settings, and checks them', () => {
    const config = loadConfig({
      WORKER_TOKEN: TOKEN,
      LIVEKIT_URL: 'ws://127.0.0.1:7880',
      LIVEKIT_API_KEY: 'devkey',
      LIVEKIT_API_SECRET: 'secret',
      LIVEKIT_SIP_TRUNK_ID: 'ST_abc',
      LIVEKIT_AGENT_NAME: 'sb-agent',
      LIVEKIT_CALLER_ID: '+14155550100',
      OPENAI_API_KEY: 'sk-x',
      OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
      OPENAI_MODEL: 'llama-3.1-8b',
      OPENAI_TIMEOUT_MS: '1500',
    });
    expect(config.livekit).toMatchObject({ sipTrunkId: 'ST_abc', agentName: 'sb-agent', callerId: '+14155550100' });
    expect(config.openai).toMatchObject({
      baseUrl: 'http://127.0.0.1:8000/v1',
      model: 'llama-3.1-8b',
      timeoutMs: 1500,
    });
    expect(describeConfig(config)).toMatchObject({
      mode: 'live',
      telephony: 'livekit (ws://127.0.0.1:7880, trunk ST_abc)',
    });
    expect(
      issuesOf({ WORKER_TOKEN: TOKEN, LIVEKIT_CALLER_ID: '4155550100', OPENAI_TIMEOUT_MS: '10' })
        .map((issue) => issue.split(':')[0])
        .sort(),
    ).toEqual(['LIVEKIT_CALLER_ID', 'OPENAI_TIMEOUT_MS']);
  });
});
