import { TwirpError } from 'livekit-server-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LiveKitTelephony, roomNameOf } from './livekit-telephony.js';
import { classifyGreeting, answeredByAttribute, unansweredBy } from './sip-outcome.js';
import { FakeLiveKit, PHONES } from './testing/fake-livekit.js';

const API_KEY = 'devkey';
const API_SECRET = 'secret-secret-secret-secret-0123';
const CALL_ID = '6f1c3a52-8d0e-4d3c-9a51-0b6f2b7d9e10';

describe('LiveKitTelephony against a LiveKit Twirp server', () => {
  let livekit: FakeLiveKit;
  let telephony: LiveKitTelephony;

  beforeAll(async () => {
    livekit = await FakeLiveKit.start({ apiKey: API_KEY, apiSecret: API_SECRET, sipTrunkId: 'ST_outbound' });
  });
  afterAll(() => livekit.close());
  beforeEach(() => {
    livekit.rooms.clear();
    livekit.requests.length = 0;
    livekit.refused.length = 0;
    livekit.phones.clear();
    telephony = new LiveKitTelephony({
      url: livekit.url.replace('http', 'ws'),
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      sipTrunkId: 'ST_outbound',
      ringingTimeoutSeconds: 25,
    });
  });

  it('dials: a room per attempt with the call id in its metadata, the callee over the trunk with the caller id', async () => {
    const result = await telephony.dial({
      callId: CALL_ID,
      attempt: 2,
      to: '+14155550142',
      callerId: '+14155550100',
      maxCallSeconds: 600,
    });

    expect(result).toMatchObject({ answered: true, room: `call-${CALL_ID}-a2`, participantIdentity: 'callee' });
    const [create] = livekit.calls('RoomService', 'CreateRoom');
    expect(create?.body).toMatchObject({ name: roomNameOf(CALL_ID, 2), emptyTimeout: 60, maxParticipants: 4 });
    expect(JSON.parse(String(create?.body.metadata))).toEqual({ callId: CALL_ID, attempt: 2, kind: 'phone' });
    expect(create?.claims).toMatchObject({ iss: API_KEY, video: { roomCreate: true } });

    const [dial] = livekit.calls('SIP', 'CreateSIPParticipant');
    expect(dial?.body).toMatchObject({
      sipTrunkId: 'ST_outbound',
      sipCallTo: '+14155550142',
      sipNumber: '+14155550100',
      roomName: roomNameOf(CALL_ID, 2),
      participantIdentity: 'callee',
      waitUntilAnswered: true,
      ringingTimeout: '25s',
      maxCallDuration: '600s',
      krispEnabled: true,
      participantAttributes: { callId: CALL_ID, attempt: '2' },
    });
    expect(dial?.claims).toMatchObject({ sip: { call: true } });
    expect(livekit.rooms.get(roomNameOf(CALL_ID, 2))?.participants.has('callee')).toBe(true);
  });

  it('maps a busy line (SIP 486) to busy and deletes the room', async () => {
    livekit.phones.set('+14155550143', PHONES.busy);
    const result = await telephony.dial({ callId: CALL_ID, attempt: 1, to: '+14155550143', callerId: '+14155550100' });

    expect(result).toMatchObject({ answered: false, answeredBy: 'busy', sipStatusCode: 486 });
    expect(result.answered ? '' : result.reason).toContain('486 Busy Here');
    expect(livekit.calls('RoomService', 'DeleteRoom').map((r) => r.body.room)).toEqual([roomNameOf(CALL_ID, 1)]);
    expect(livekit.rooms.size).toBe(0);
  });

  it('maps nobody answering (SIP 480) to no_answer and a decline (603) to failed', async () => {
    livekit.phones.set('+14155550144', PHONES.noAnswer);
    livekit.phones.set('+14155550145', PHONES.declined);
    const noAnswer = await telephony.dial({
      callId: CALL_ID,
      attempt: 1,
      to: '+14155550144',
      callerId: '+14155550100',
    });
    const declined = await telephony.dial({
      callId: CALL_ID,
      attempt: 2,
      to: '+14155550145',
      callerId: '+14155550100',
    });

    expect(noAnswer).toMatchObject({ answered: false, answeredBy: 'no_answer', sipStatusCode: 480 });
    expect(declined).toMatchObject({ answered: false, answeredBy: 'failed', sipStatusCode: 603 });
    expect(livekit.rooms.size).toBe(0);
  });

  it('is refused with a wrong secret: nothing is created and the error is thrown, not taken for a dial outcome', async () => {
    const wrong = new LiveKitTelephony({
      url: livekit.url,
      apiKey: API_KEY,
      apiSecret: 'not-the-secret-0123456789abcdef',
      sipTrunkId: 'ST_outbound',
    });
    const error = await wrong
      .dial({ callId: CALL_ID, attempt: 1, to: '+14155550142', callerId: '+14155550100' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TwirpError);
    expect(error).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(livekit.refused[0]).toMatch(/^invalid token/);
    expect(livekit.rooms.size).toBe(0);
    expect(livekit.requests).toEqual([]);
  });

  it('throws on an unknown trunk (configuration, not the callee) after removing the room', async () => {
    const misconfigured = new LiveKitTelephony({
      url: livekit.url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      sipTrunkId: 'ST_missing',
    });
    await expect(
      misconfigured.dial({ callId: CALL_ID, attempt: 1, to: '+14155550142', callerId: '+14155550100' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(livekit.rooms.size).toBe(0);
  });

  it('transfers the callee with SIP REFER (tel: URI), and maps a busy target', async () => {
    const dialled = await telephony.dial({ callId: CALL_ID, attempt: 1, to: '+14155550142', callerId: '+14155550100' });
    if (!dialled.answered) throw new Error('expected an answered call');
    livekit.transferFailures.set('tel:+14155550199', { sipStatusCode: 486, sipStatus: 'Busy Here' });

    expect(await telephony.transfer(dialled.room, dialled.participantIdentity, '+14155550199')).toBe('busy');
    expect(await telephony.transfer(dialled.room, dialled.participantIdentity, '+14155550198')).toBe('connected');

    expect(livekit.transfers).toEqual([
      { room: dialled.room, participantIdentity: 'callee', transferTo: 'tel:+14155550198' },
    ]);
    const [, ok] = livekit.calls('SIP', 'TransferSIPParticipant');
    expect(ok?.body).toMatchObject({ playDialtone: true, ringingTimeout: '25s' });
    expect(ok?.claims).toMatchObject({ sip: { call: true }, video: { roomAdmin: true, room: dialled.room } });
  });

  it('hangs up by deleting the room; a second hang-up of a gone room is harmless', async () => {
    const dialled = await telephony.dial({ callId: CALL_ID, attempt: 3, to: '+14155550142', callerId: '+14155550100' });
    await telephony.hangup(dialled.room);
    await telephony.hangup(dialled.room);

    expect(livekit.rooms.size).toBe(0);
    expect(livekit.calls('RoomService', 'DeleteRoom')).toHaveLength(2);
  });

  it('mints an agent token for the room only', async () => {
    const { TokenVerifier } = await import('livekit-server-sdk');
    const claims = await new TokenVerifier(API_KEY, API_SECRET).verify(await telephony.agentToken('room-a', 'agent-1'));
    expect(claims).toMatchObject({
      sub: 'agent-1',
      kind: 'agent',
      video: { room: 'room-a', roomJoin: true, agent: true },
    });
  });
});

describe('SIP outcomes and answering machines', () => {
  it('reads SIP final responses', () => {
    expect([486, 600, 408, 480, 487, 404, 503, undefined].map(unansweredBy)).toEqual([
      'busy',
      'busy',
      'no_answer',
      'no_answer',
      'no_answer',
      'failed',
      'failed',
      'failed',
    ]);
  });

  it('hears voicemail greetings, not people', () => {
    expect(classifyGreeting("Hi, you've reached Sam. Please leave a message after the tone.")).toBe('voicemail');
    expect(classifyGreeting('The person you are calling is not available.')).toBe('voicemail');
    expect(classifyGreeting('Hello? Who is this?')).toBe('human');
    expect(classifyGreeting('Yes, speaking.')).toBe('human');
  });

  it('reads a carrier AMD attribute', () => {
    expect(answeredByAttribute({ 'sip.answeredBy': 'machine_end_beep' })).toBe('voicemail');
    expect(answeredByAttribute({ answered_by: 'HUMAN' })).toBe('human');
    expect(answeredByAttribute({ 'sip.phoneNumber': '+1' })).toBeUndefined();
  });
});
