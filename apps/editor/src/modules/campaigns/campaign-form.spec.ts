import { CreateCampaignBodySchema } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import {
  clearErrorsOf,
  emptyForm,
  errorsFromApi,
  errorSummary,
  invalidFields,
  toCreateBody,
  type CampaignForm,
  type FormErrors,
} from './campaign-form.js';

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

describe('what the operator sees after a refused submit', () => {
  it('does not repeat a message every detail of which found its field: the summary names the fields', () => {
    const errors = errorsFromApi({
      code: 'BAD_REQUEST',
      message: 'body.callerId: is not a phone number',
      requestId: 'r3',
      details: [{ path: 'body.callerId', message: 'is not a phone number' }],
    });
    expect(errors).toEqual({ fields: { callerId: ['is not a phone number'] }, general: [] });
    expect(errorSummary(errors)).toBe('Not created yet: check Caller id.');
  });

  it('keeps the message of a refusal without details', () => {
    const errors = errorsFromApi({
      code: 'CAMPAIGN_FLOW_NOT_PUBLISHED',
      message: 'The flow has no version',
      requestId: 'r4',
    });
    expect(errors).toEqual({ fields: {}, general: ['The flow has no version'] });
    expect(errorSummary(errors)).toBe(null);
  });

  it('names every invalid field in form order, the first one to focus', () => {
    const result = toCreateBody(filled({ name: '', perMinute: '0', callerId: '' }));
    if (!('errors' in result)) throw new Error('expected errors');
    expect(invalidFields(result.errors)).toEqual(['name', 'callerId', 'pacing.perMinute']);
    expect(errorSummary(result.errors)).toBe('Not created yet: check Name, Caller id, Calls per minute.');
  });

  it('drops the messages of a field once it is edited, and only those', () => {
    const errors: FormErrors = {
      fields: {
        name: ['is required'],
        'window.start': ['must be HH:MM'],
        'window.end': ['must be after the start'],
        callerId: ['is not a phone number'],
      },
      general: ['x'],
    };
    expect(clearErrorsOf(errors, 'name').fields).toEqual({
      'window.start': ['must be HH:MM'],
      'window.end': ['must be after the start'],
      callerId: ['is not a phone number'],
    });
    // either end of the window may be what fixes "must be after the start"
    expect(clearErrorsOf(errors, 'windowStart').fields).toEqual({
      name: ['is required'],
      callerId: ['is not a phone number'],
    });
    expect(clearErrorsOf(errors, 'subject')).toBe(errors);
  });
});
