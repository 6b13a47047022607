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
import { inputVariablesOf, variableValue, type InputVariable } from './flow-inputs.js';

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

describe("the campaign's default variables", () => {
  const inputs: InputVariable[] = [
    { name: 'first_name', required: true, type: 'string' },
    { name: 'visits', required: false, type: 'number' },
    { name: 'vip', required: false, type: 'boolean' },
    { name: 'plan', required: false, type: 'enum', values: ['basic', 'gold'] },
    { name: 'profile', required: false, type: 'object' },
  ];

  it('sends the values typed, by their declared types; empty ones and unknown names are left out', () => {
    const result = toCreateBody(
      filled({
        variables: { first_name: ' Ada ', visits: '3', vip: 'yes', plan: 'gold', profile: '{"a":1}', gone: 'x' },
      }),
      inputs,
    );
    if (!('body' in result)) throw new Error(JSON.stringify(result.errors));
    expect(result.body.variables).toEqual({ first_name: 'Ada', visits: 3, vip: true, plan: 'gold', profile: { a: 1 } });
    expect(CreateCampaignBodySchema.safeParse(result.body).success).toBe(true);

    const none = toCreateBody(filled({ variables: { first_name: '  ', visits: '' } }), inputs);
    if (!('body' in none)) throw new Error('expected a body');
    expect(none.body).not.toHaveProperty('variables');
  });

  it('refuses a number or a yes/no that is not one, naming the variable', () => {
    const result = toCreateBody(filled({ variables: { visits: 'three', vip: 'maybe' } }), inputs);
    if (!('errors' in result)) throw new Error('expected errors');
    expect(result.errors.fields.variables).toEqual(['visits: must be a number', 'vip: yes or no']);
    expect(errorSummary(result.errors)).toBe('Not created yet: check Defaults for every contact.');
  });

  it("puts the API's messages about variables on the defaults, each naming its variable", () => {
    const errors = errorsFromApi({
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid.',
      requestId: 'r1',
      details: [
        { path: 'body.variables.visits', message: 'must be a number (the flow declares it number)' },
        { path: 'body.variables.nickname', message: 'the flow has no input variable of this name' },
      ],
    });
    expect(errors.fields.variables).toEqual([
      'visits: must be a number (the flow declares it number)',
      'nickname: the flow has no input variable of this name',
    ]);
    expect(errors.general).toEqual([]);
    expect(clearErrorsOf(errors, 'variables').fields).toEqual({});
  });
});

describe('a flow version → its input variables', () => {
  it('keeps input variables only, with their types and enum values', () => {
    const document = {
      variables: [
        { name: 'first_name', type: 'string', source: 'input', required: true },
        { name: 'answer', type: 'string', source: 'captured' },
        { name: 'plan', type: 'enum', source: 'input', values: ['basic', 'gold'] },
        { name: 'untyped' },
        'junk',
      ],
    };
    expect(inputVariablesOf({ document })).toEqual([
      { name: 'first_name', required: true, type: 'string' },
      { name: 'plan', required: false, type: 'enum', values: ['basic', 'gold'] },
      { name: 'untyped', required: false, type: 'string' },
    ]);
    expect(inputVariablesOf({ document: {} })).toEqual([]);
  });

  it('types what was typed as the API types a CSV cell', () => {
    expect(variableValue({ type: 'number' }, ' 2.5 ')).toBe(2.5);
    expect(variableValue({ type: 'number' }, 'x')).toBe('x');
    expect(variableValue({ type: 'boolean' }, 'No')).toBe(false);
    expect(variableValue({ type: 'object' }, '[1]')).toEqual([1]);
    expect(variableValue({ type: 'date' }, '2026-03-10')).toBe('2026-03-10');
    expect(variableValue({ type: 'string' }, '   ')).toBeUndefined();
  });
});
