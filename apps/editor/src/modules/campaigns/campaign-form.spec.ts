import { CreateCampaignBodySchema } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { emptyForm, errorsFromApi, toCreateBody, type CampaignForm } from './campaign-form.js';

const FLOW = '0b9c4c1e-2f7a-4d8e-9a55-1c2b3d4e5f60';
const filled = (over: Partial<CampaignForm> = {}): CampaignForm => ({
  ...emptyForm(),
  name: '  Spring reminders ',
  flowId: FLOW,
  callerId: '+12125550199',
  ...over,
});

describe('the campaign form → POST /v1/campaigns body', () => {
  it('builds a body the API schema accepts, trimmed, the optional parts left out when empty', () => {
    const result = toCreateBody(filled());
    expect(result).toEqual({
      body: {
        name: 'Spring reminders',
        flowId: FLOW,
        callerId: '+12125550199',
        window: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' },
        pacing: { maxConcurrent: 2, perMinute: 10 },
        retry: { maxAttempts: 1, minGapMinutes: 60, on: ['no_answer', 'busy'] },
      },
    });
    if (!('body' in result)) throw new Error('expected a body');
    expect(CreateCampaignBodySchema.safeParse(result.body).success).toBe(true);
  });

  it('carries the version, purpose, subject, days in week order and the dates as ISO instants', () => {
    const result = toCreateBody(
      filled({
        version: '3',
        purpose: 'TELEMARKETING',
        subject: 'spring offer',
        windowDays: ['sat', 'mon'],
        retryOn: ['voicemail', 'no_answer'],
        maxAttempts: '3',
        minGapMinutes: '0',
        startAt: '2099-03-01T09:00',
        endAt: '2099-03-31T18:00',
      }),
    );
    if (!('body' in result)) throw new Error(JSON.stringify(result.errors));
    expect(result.body).toMatchObject({
      version: 3,
      purpose: 'TELEMARKETING',
      subject: 'spring offer',
      window: { days: ['mon', 'sat'] },
      retry: { maxAttempts: 3, minGapMinutes: 0, on: ['no_answer', 'voicemail'] },
      startAt: new Date('2099-03-01T09:00').toISOString(),
      endAt: new Date('2099-03-31T18:00').toISOString(),
    });
    expect(CreateCampaignBodySchema.safeParse(result.body).success).toBe(true);
  });

  it('leaves the window out when no hours are given, so only the legal window applies', () => {
    const result = toCreateBody(filled({ windowStart: '', windowEnd: '', windowDays: [] }));
    expect('body' in result && result.body.window).toBe(undefined);
  });

  it('names every field it can see is wrong, without asking the API', () => {
    const result = toCreateBody(
      filled({
        name: ' ',
        flowId: '',
        callerId: '',
        windowStart: '18:00',
        windowEnd: '09:00',
        windowDays: [],
        maxConcurrent: '0',
        perMinute: 'ten',
        maxAttempts: '11',
        retryOn: [],
        startAt: '2099-03-31T18:00',
        endAt: '2099-03-01T09:00',
      }),
    );
    expect(result).toEqual({
      errors: {
        general: [],
        fields: {
          name: ['is required'],
          flowId: ['choose a published flow'],
          callerId: ['is required'],
          'window.end': ['must be after the start'],
          'window.days': ['choose at least one day'],
          'pacing.maxConcurrent': ['must be at least 1'],
          'pacing.perMinute': ['must be a whole number'],
          'retry.maxAttempts': ['must be 1 to 10'],
          'retry.on': ['choose the outcomes to retry, or set one attempt'],
          endAt: ['must be after the start'],
        },
      },
    });
  });

  it('refuses an end in the past', () => {
    const result = toCreateBody(filled({ endAt: '2001-01-01T00:00' }));
    expect('errors' in result && result.errors.fields.endAt).toEqual(['must be in the future']);
  });
});

describe("the API's 4xx answer → messages next to the fields", () => {
  it('puts each detail on the field its path names, the rest in the general list', () => {
    const errors = errorsFromApi({
      code: 'BAD_REQUEST',
      message: 'Invalid request: …',
      requestId: 'r1',
      details: [
        { path: 'body.pacing.perMinute', message: 'Too small: expected number to be >=1' },
        { path: 'body.window.days.2', message: 'Invalid option' },
        { path: 'body.version', message: 'no such published version' },
        { path: 'body.window', message: 'start must be before end' },
        { path: 'body.colour', message: 'unknown field' },
      ],
    });
    expect(errors.fields).toEqual({
      'pacing.perMinute': ['Too small: expected number to be >=1'],
      'window.days': ['Invalid option'],
      version: ['no such published version'],
      'window.start': ['start must be before end'],
    });
    expect(errors.general).toEqual(['Invalid request: …', 'body.colour: unknown field']);
  });

  it('reads paths without the body. prefix too, and an answer without an envelope', () => {
    expect(
      errorsFromApi({
        code: 'CAMPAIGN_FLOW_NOT_FOUND',
        message: 'Flow x not found',
        requestId: 'r2',
        details: [{ path: 'flowId', message: 'no such flow in your organisation' }],
      }).fields,
    ).toEqual({ flowId: ['no such flow in your organisation'] });
    expect(errorsFromApi(undefined, 'The API answered 502.')).toEqual({
      fields: {},
      general: ['The API answered 502.'],
    });
  });
});
