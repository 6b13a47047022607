import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InternalClient } from '../api/internal-client.js';
import { runCall } from '../call-session/run-call.js';
import { FakeApi, plainApi } from '../testing/fake-api.js';
import { voiceDeps } from './index.js';
import { createLiveKitMedia } from './livekit-media.js';
import { OpenAIUnderstanding } from './openai-understanding.js';
import { FakeLiveKit, PHONES } from './testing/fake-livekit.js';

const TOKEN = 'wt_voice_media_test_token';
const API_KEY = 'devkey';
const API_SECRET = 'voice-media-secret-0123456789abcdef';
const FLOW = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../../flows/appointment-reminder.flow.json', import.meta.url)), 'utf8'),
) as { tests: { variables?: Record<string, unknown> }[] };
const VARIABLES = FLOW.tests.find((test) => test.variables)?.variables ?? {};
const logger = pino({ level: 'silent' });
const OPENAI = {
  apiKey: 'sk-unused',
  model: 'gpt-4.1-mini',
  sttModel: 'gpt-4o-mini-transcribe',
  ttsModel: 'gpt-4o-mini-tts',
  ttsVoice: 'alloy',
  timeoutMs: 1000,
};
let n = 0;
const newCallId = () => `33333333-3333-4333-8333-${String(++n).padStart(12, '0')}`;

describe('runCall with LiveKit media (calls that do not connect)', () => {
  let livekit: FakeLiveKit;
  let api: FakeApi | undefined;

  beforeAll(async () => {
    livekit = await FakeLiveKit.start({ apiKey: API_KEY, apiSecret: API_SECRET, sipTrunkId: 'ST_trunk' });
  });
  afterAll(() => livekit.close());
  afterEach(async () => api?.stop());

  async function run(phone: keyof typeof PHONES) {
    const fake = plainApi({ token: TOKEN, flow: FLOW, variables: VARIABLES });
    api = await new FakeApi(fake.handler).start();
    livekit.phones.set('+14155550142', PHONES[phone]);
    const media = createLiveKitMedia(
      {
        url: livekit.url,
        apiKey: API_KEY,
        apiSecret: API_SECRET,
        sipTrunkId: 'ST_trunk',
        agentName: 'a',
        ringingTimeoutSeconds: 20,
      },
      OPENAI,
    );
    const callId = newCallId();
    const result = await runCall(
      { callId, attempt: 1 },
      {
        client: new InternalClient({ apiUrl: api.url, workerToken: TOKEN, backoffMs: 1 }),
        logger,
        workerId: 'w',
        media,
      },
    );
    return { result, state: fake.calls.get(callId)!, callId };
  }

  it('a busy line completes the call as busy: dialled once over the trunk with the claim caller id, room removed', async () => {
    const { result, state, callId } = await run('busy');

    expect(result).toMatchObject({ outcome: 'completed', disposition: 'busy' });
    expect(state.completed).toMatchObject({ outcome: 'busy' });
    const dials = livekit.calls('SIP', 'CreateSIPParticipant').filter((r) => String(r.body.roomName).includes(callId));
    expect(dials).toHaveLength(1);
    expect(dials[0]?.body).toMatchObject({
      sipTrunkId: 'ST_trunk',
      sipCallTo: '+14155550142',
      sipNumber: '+18005550100',
    });
    // the flow's own limit plus a minute: LiveKit's hard stop
    expect(dials[0]?.body.maxCallDuration).toMatch(/^\d+s$/);
    expect(livekit.rooms.has(`call-${callId}-a1`)).toBe(false);
  });

  it('nobody answering completes the call as no_answer', async () => {
    const { result, state } = await run('noAnswer');
    expect(result).toMatchObject({ outcome: 'completed', disposition: 'no_answer' });
    expect(state.completed).toMatchObject({ outcome: 'no_answer' });
  });
});

describe('voiceDeps', () => {
  it('switches nothing on without configuration: the simulated callee and local understanding stay', async () => {
    expect(await voiceDeps({}, logger)).toEqual({});
  });

  it('switches the OpenAI understanding on with a key, and LiveKit media with LiveKit and speech', async () => {
    const understanding = await voiceDeps({ openai: OPENAI }, logger);
    expect(Object.keys(understanding)).toEqual(['understanding']);
    expect(understanding.understanding).toBeInstanceOf(OpenAIUnderstanding);
    const both = await voiceDeps(
      {
        openai: OPENAI,
        livekit: {
          url: 'ws://127.0.0.1:7880',
          apiKey: 'k',
          apiSecret: 's',
          sipTrunkId: 'ST_trunk',
          agentName: 'a',
          ringingTimeoutSeconds: 30,
        },
      },
      logger,
    );
    expect(Object.keys(both).sort()).toEqual(['media', 'understanding']);
    expect(typeof both.media).toBe('function');
  });
});
