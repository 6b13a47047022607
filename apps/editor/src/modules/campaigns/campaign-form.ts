import type { ApiError } from '@switchboard/contracts';
import { variableValue, type InputVariable } from './flow-inputs.js';
import { RETRY_ON, WEEKDAYS, type CreateCampaignRequest, type RetryOn, type Weekday } from './types.js';

/** The "New campaign" form as typed: strings, as the inputs hold them. */
export interface CampaignForm {
  name: string;
  flowId: string;
  /** '' = the latest published version */
  version: string;
  /** '' = the flow's own purpose */
  purpose: '' | 'TELEMARKETING' | 'INFORMATIONAL';
  subject: string;
  callerId: string;
  /** no days and no hours = no operator window: the legal window alone applies */
  windowDays: Weekday[];
  windowStart: string;
  windowEnd: string;
  maxConcurrent: string;
  perMinute: string;
  maxAttempts: string;
  minGapMinutes: string;
  retryOn: RetryOn[];
  /** `datetime-local` values (the operator's own time zone) */
  startAt: string;
  endAt: string;
  /** defaults of the pinned version's input variables, as typed (by name; '' = none) */
  variables: Record<string, string>;
}

export const FORM_FIELDS = [
  'name',
  'flowId',
  'version',
  'purpose',
  'subject',
  'callerId',
  'window.days',
  'window.start',
  'window.end',
  'pacing.maxConcurrent',
  'pacing.perMinute',
  'retry.maxAttempts',
  'retry.minGapMinutes',
  'retry.on',
  'startAt',
  'endAt',
  'variables',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** The label each field has on the form, to name it in a summary. */
export const FIELD_LABELS: Record<FormField, string> = {
  name: 'Name',
  flowId: 'Flow',
  version: 'Version',
  purpose: 'Purpose',
  subject: 'Subject',
  callerId: 'Caller id',
  'window.days': 'Days',
  'window.start': 'From',
  'window.end': 'Until',
  'pacing.maxConcurrent': 'Calls at once',
  'pacing.perMinute': 'Calls per minute',
  'retry.maxAttempts': 'Attempts per contact',
  'retry.minGapMinutes': 'Minutes between attempts',
  'retry.on': 'Retry when the call ends',
  startAt: 'Starts',
  endAt: 'Ends',
  variables: 'Defaults for every contact',
};

/** The fields whose messages an edit of a form value makes stale. */
const FIELDS_OF: Record<keyof CampaignForm, FormField[]> = {
  name: ['name'],
  flowId: ['flowId', 'version'],
  version: ['version'],
  purpose: ['purpose'],
  subject: ['subject'],
  callerId: ['callerId'],
  windowDays: ['window.days', 'window.start'],
  windowStart: ['window.start', 'window.end'],
  windowEnd: ['window.start', 'window.end'],
  maxConcurrent: ['pacing.maxConcurrent'],
  perMinute: ['pacing.perMinute'],
  maxAttempts: ['retry.maxAttempts', 'retry.on'],
  minGapMinutes: ['retry.minGapMinutes'],
  retryOn: ['retry.on'],
  startAt: ['startAt', 'endAt'],
  endAt: ['endAt'],
  variables: ['variables'],
};

export interface FormErrors {
  fields: Partial<Record<FormField, string[]>>;
  /** what no field explains (the error's message, details on unknown paths) */
  general: string[];
}

export function emptyForm(): CampaignForm {
  return {
    name: '',
    flowId: '',
    version: '',
    purpose: '',
    subject: '',
    callerId: '',
    windowDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    windowStart: '09:00',
    windowEnd: '18:00',
    maxConcurrent: '2',
    perMinute: '10',
    maxAttempts: '1',
    minGapMinutes: '60',
    retryOn: ['no_answer', 'busy'],
    startAt: '',
    endAt: '',
    variables: {},
  };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function add(errors: FormErrors, field: FormField, message: string): void {
  (errors.fields[field] ??= []).push(message);
}

function integer(
  errors: FormErrors,
  field: FormField,
  raw: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const text = raw.trim();
  if (!/^-?\d+$/.test(text)) {
    add(errors, field, 'must be a whole number');
    return undefined;
  }
  const value = Number(text);
  if (value < min || value > max)
    add(errors, field, max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be ${min} to ${max}`);
  return value;
}

function instant(errors: FormErrors, field: FormField, local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  if (Number.isNaN(date.getTime())) {
    add(errors, field, 'is not a date and time');
    return undefined;
  }
  return date.toISOString();
}

/**
 * The request body of `POST /v1/campaigns`, or the mistakes that can be seen before asking the API
 * (the API checks everything again: its answer is mapped by `errorsFromApi`). Optional parts the
 * operator left empty are left out so the API's defaults apply. `inputs`: the pinned version's
 * input variables, whose defaults are typed by their declared types (a value typed for a variable
 * the version no longer declares is dropped).
 */
export function toCreateBody(
  form: CampaignForm,
  inputs: readonly InputVariable[] = [],
): { body: CreateCampaignRequest } | { errors: FormErrors } {
  const errors: FormErrors = { fields: {}, general: [] };
  const name = form.name.trim();
  if (!name) add(errors, 'name', 'is required');
  if (!form.flowId) add(errors, 'flowId', 'choose a published flow');
  if (!form.callerId.trim()) add(errors, 'callerId', 'is required');
  const version = form.version ? integer(errors, 'version', form.version, 1) : undefined;

  let window: CreateCampaignRequest['window'];
  const anyWindow = form.windowStart || form.windowEnd;
  if (anyWindow) {
    if (!HHMM.test(form.windowStart)) add(errors, 'window.start', 'must be HH:MM');
    if (!HHMM.test(form.windowEnd)) add(errors, 'window.end', 'must be HH:MM');
    else if (HHMM.test(form.windowStart) && form.windowStart >= form.windowEnd)
      add(errors, 'window.end', 'must be after the start');
    if (form.windowDays.length === 0) add(errors, 'window.days', 'choose at least one day');
    const days = WEEKDAYS.filter((d) => form.windowDays.includes(d));
    window = { days, start: form.windowStart, end: form.windowEnd };
  } else if (form.windowDays.length > 0 && form.windowDays.length < WEEKDAYS.length) {
    add(errors, 'window.start', 'give the hours of the days chosen');
  }

  const maxConcurrent = integer(errors, 'pacing.maxConcurrent', form.maxConcurrent, 1);
  const perMinute = integer(errors, 'pacing.perMinute', form.perMinute, 1);
  const maxAttempts = integer(errors, 'retry.maxAttempts', form.maxAttempts, 1, 10);
  const minGapMinutes = integer(errors, 'retry.minGapMinutes', form.minGapMinutes, 0);
  const on = RETRY_ON.filter((o) => form.retryOn.includes(o));
  if (maxAttempts !== undefined && maxAttempts > 1 && on.length === 0)
    add(errors, 'retry.on', 'choose the outcomes to retry, or set one attempt');

  const startAt = instant(errors, 'startAt', form.startAt);
  const endAt = instant(errors, 'endAt', form.endAt);
  if (endAt && new Date(endAt).getTime() <= Date.now()) add(errors, 'endAt', 'must be in the future');
  if (startAt && endAt && endAt <= startAt) add(errors, 'endAt', 'must be after the start');

  const variables: Record<string, unknown> = {};
  for (const input of inputs) {
    const value = variableValue(input, form.variables[input.name] ?? '');
    if (value === undefined) continue;
    if (input.type === 'number' && typeof value !== 'number')
      add(errors, 'variables', `${input.name}: must be a number`);
    if (input.type === 'boolean' && typeof value !== 'boolean') add(errors, 'variables', `${input.name}: yes or no`);
    variables[input.name] = value;
  }

  if (Object.keys(errors.fields).length > 0) return { errors };
  const subject = form.subject.trim();
  const body: CreateCampaignRequest = {
    name,
    flowId: form.flowId,
    callerId: form.callerId.trim(),
    pacing: { maxConcurrent: maxConcurrent!, perMinute: perMinute! },
    retry: { maxAttempts: maxAttempts!, minGapMinutes: minGapMinutes!, on },
    ...(version !== undefined ? { version } : {}),
    ...(form.purpose ? { purpose: form.purpose } : {}),
    ...(subject ? { subject } : {}),
    ...(window ? { window } : {}),
    ...(startAt ? { startAt } : {}),
    ...(endAt ? { endAt } : {}),
    ...(Object.keys(variables).length > 0 ? { variables } : {}),
  };
  return { body };
}

/**
 * The errors once the operator changed `key`: its messages go (they were about the old value), the
 * others stay until the next submit. Unchanged when there was nothing to clear.
 */
export function clearErrorsOf(errors: FormErrors, key: keyof CampaignForm): FormErrors {
  const stale = FIELDS_OF[key].filter((f) => errors.fields[f]);
  if (stale.length === 0) return errors;
  const fields = { ...errors.fields };
  for (const f of stale) delete fields[f];
  return { ...errors, fields };
}

/** The fields with a message, in form order: the first is focused, all are named in the banner. */
export const invalidFields = (errors: FormErrors): FormField[] => FORM_FIELDS.filter((f) => errors.fields[f]?.length);

/** One line naming what to fix, or null when no field has a message. */
export function errorSummary(errors: FormErrors): string | null {
  const fields = invalidFields(errors);
  if (fields.length === 0) return null;
  return `Not created yet: check ${fields.map((f) => FIELD_LABELS[f]).join(', ')}.`;
}

/** a detail about a whole group lands on the group's first field */
const GROUPS: Record<string, FormField> = {
  window: 'window.start',
  pacing: 'pacing.maxConcurrent',
  retry: 'retry.maxAttempts',
};

/**
 * A 4xx answer's details put next to the fields they name. Paths come as the API writes them
 * (`body.pacing.perMinute`, `body.window.days.2`): the `body.` prefix and list indexes are dropped,
 * and the longest known field the path starts with takes the message.
 */
export function errorsFromApi(
  error: ApiError['error'] | undefined,
  fallback = 'The API refused the campaign.',
): FormErrors {
  const errors: FormErrors = { fields: {}, general: [] };
  if (!error) return { fields: {}, general: [fallback] };
  const unplaced: string[] = [];
  for (const detail of error.details ?? []) {
    const path = detail.path.replace(/^body\./, '');
    const field = [...FORM_FIELDS]
      .sort((a, b) => b.length - a.length)
      .find((f) => path === f || path.startsWith(`${f}.`));
    // a default's message names its variable: the defaults share one field
    if (field === 'variables' && path !== field)
      add(errors, field, `${path.slice('variables.'.length)}: ${detail.message}`);
    else if (field) add(errors, field, detail.message);
    else if (path in GROUPS) add(errors, GROUPS[path]!, detail.message);
    else unplaced.push(`${detail.path}: ${detail.message}`);
  }
  // when every detail found its field, the message only repeats them (`body.callerId: …`): the form's
  // summary names the fields instead; otherwise it says what happened
  if (unplaced.length > 0 || Object.keys(errors.fields).length === 0) errors.general.push(error.message, ...unplaced);
  return errors;
}
