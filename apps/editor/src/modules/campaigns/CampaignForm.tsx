import type { FlowSummary, FlowVersionSummary } from '@switchboard/contracts';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { api, HttpError } from '../../api/client.js';
import { getVersion, listFlows, listVersions } from '../../api/flows.js';
import { createCampaign } from './api.js';
import {
  clearErrorsOf,
  emptyForm,
  errorsFromApi,
  errorSummary,
  invalidFields,
  toCreateBody,
  type CampaignForm,
  type FormErrors,
  type FormField,
} from './campaign-form.js';
import { DAY_NAMES } from './counters.js';
import { inputVariablesOf, PLACEHOLDERS, type InputVariable } from './flow-inputs.js';
import { RETRY_ON, WEEKDAYS, type Campaign } from './types.js';

const inputId = (field: FormField) => `campaign-${field.replace('.', '-')}`;

/** a masked number (`+1212*****99`): what roles without compliance:read get from /v1/caller-ids */
const isMasked = (phone: string) => phone.includes('*');

/** One labelled input with the messages the form or the API gave about it. */
function Row({
  field,
  label,
  errors,
  hint,
  children,
}: {
  field: FormField;
  label: string;
  errors: FormErrors;
  hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = inputId(field);
  const messages = errors.fields[field] ?? [];
  return (
    <div className={`field${messages.length ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': messages.length > 0,
        ...(messages.length ? { 'aria-describedby': `${id}-error` } : {}),
      })}
      {hint && (
        <span className="hint" data-testid={`hint-${field}`}>
          {hint}
        </span>
      )}
      {messages.length > 0 && (
        <span className="field-error" id={`${id}-error`} data-testid={`error-${field}`}>
          {messages.join('; ')}
        </span>
      )}
    </div>
  );
}

/**
 * "New campaign": every setting of `POST /v1/campaigns`. Mistakes seen in the browser are shown
 * before asking; the API's 4xx details land next to the fields they name.
 */
export function CampaignFormPanel({ onCreated, onCancel }: { onCreated: (c: Campaign) => void; onCancel: () => void }) {
  const [form, setForm] = useState<CampaignForm>(emptyForm);
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, general: [] });
  const [flows, setFlows] = useState<FlowSummary[]>([]);
  const [versions, setVersions] = useState<FlowVersionSummary[]>([]);
  const [callerIds, setCallerIds] = useState<string[]>([]);
  /** the organisation's caller ids as this role sees them, masked: named in the hint, never filled in */
  const [maskedCallerIds, setMaskedCallerIds] = useState<string[]>([]);
  /** the chosen version's input variables (null: none chosen yet, or being read) */
  const [inputs, setInputs] = useState<InputVariable[] | null>(null);
  const [busy, setBusy] = useState(false);
  const callerList = useId();
  const formRef = useRef<HTMLFormElement>(null);

  const set = <K extends keyof CampaignForm>(key: K, value: CampaignForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => clearErrorsOf(e, key));
  };
  /** errors shown after a submit: the first field with a message then gets the focus */
  const [shown, setShown] = useState<FormErrors | null>(null);
  const showErrors = (next: FormErrors) => {
    setErrors(next);
    setShown(next);
  };
  // once the messages are rendered (the form is taller than the window)
  useEffect(() => {
    const first = shown && invalidFields(shown)[0];
    if (!first) return;
    const form = formRef.current;
    const group = `[data-field="${first}"]`;
    // in a group (days, retry outcomes, defaults): the input marked invalid, else its first one
    (
      form?.querySelector<HTMLElement>(`#${CSS.escape(inputId(first))}, ${group} [aria-invalid="true"]`) ??
      form?.querySelector<HTMLElement>(`${group} input, ${group} select`)
    )?.focus();
  }, [shown]);
  const summary = errorSummary(errors);

  useEffect(() => {
    listFlows({ status: 'published' })
      .then((page) => setFlows(page.items.filter((f) => f.latestVersion !== null)))
      .catch(() => undefined);
    // operators may list the organisation's caller ids; others type the number
    api<{ items: Array<{ phone: string }> }>('/v1/caller-ids?limit=100')
      .then((page) => {
        const phones = page.items.map((c) => c.phone);
        const usable = phones.filter((p) => !isMasked(p));
        setCallerIds(usable);
        setMaskedCallerIds(phones.filter(isMasked));
        setForm((f) => (f.callerId || !usable[0] ? f : { ...f, callerId: usable[0] }));
      })
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    setVersions([]);
    if (!form.flowId) return;
    listVersions(form.flowId)
      .then((page) => setVersions(page.items))
      .catch(() => undefined);
  }, [form.flowId]);

  const toggle = <T extends string>(list: T[], value: T): T[] =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  const selectedFlow = flows.find((f) => f.id === form.flowId);

  // the input variables of the version the campaign will pin (the chosen one, else the latest)
  const pinned = form.version ? Number(form.version) : (selectedFlow?.latestVersion ?? null);
  useEffect(() => {
    setInputs(null);
    if (!form.flowId || !pinned) return;
    let current = true;
    getVersion(form.flowId, pinned)
      .then((v) => current && setInputs(inputVariablesOf(v)))
      .catch(() => current && setInputs([]));
    return () => {
      current = false;
    };
  }, [form.flowId, pinned]);
  const setDefault = (name: string, text: string) => set('variables', { ...form.variables, [name]: text });

  return (
    <form
      ref={formRef}
      className="campaign-form"
      aria-label="New campaign"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const result = toCreateBody(form, inputs ?? []);
        if ('errors' in result) {
          showErrors(result.errors);
          return;
        }
        setBusy(true);
        setErrors({ fields: {}, general: [] });
        createCampaign(result.body)
          .then(onCreated)
          .catch((err: unknown) =>
            showErrors(
              err instanceof HttpError
                ? errorsFromApi(err.body, err.message)
                : { fields: {}, general: [err instanceof Error ? err.message : String(err)] },
            ),
          )
          .finally(() => setBusy(false));
      }}
    >
      <h2>New campaign</h2>
      <div className="form-grid">
        <Row field="name" label="Name" errors={errors}>
          {(p) => (
            <input {...p} value={form.name} onChange={(e) => set('name', e.target.value)} data-testid="campaign-name" />
          )}
        </Row>
        <Row field="flowId" label="Flow" errors={errors} hint="Only published flows can be called.">
          {(p) => (
            <select
              {...p}
              value={form.flowId}
              onChange={(e) => {
                setForm((f) => ({ ...f, flowId: e.target.value, version: '', variables: {} }));
                setErrors((er) => clearErrorsOf(er, 'flowId'));
              }}
              data-testid="campaign-flow"
            >
              <option value="">Choose a published flow…</option>
              {flows.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name} (v{f.latestVersion})
                </option>
              ))}
            </select>
          )}
        </Row>
        <Row field="version" label="Version" errors={errors}>
          {(p) => (
            <select
              {...p}
              value={form.version}
              onChange={(e) => set('version', e.target.value)}
              data-testid="campaign-version"
            >
              <option value="">Latest{selectedFlow?.latestVersion ? ` (v${selectedFlow.latestVersion})` : ''}</option>
              {versions.map((v) => (
                <option key={v.number} value={String(v.number)}>
                  v{v.number} · {v.message || new Date(v.publishedAt).toLocaleDateString()}
                </option>
              ))}
            </select>
          )}
        </Row>
        <Row field="purpose" label="Purpose" errors={errors}>
          {(p) => (
            <select
              {...p}
              value={form.purpose}
              onChange={(e) => set('purpose', e.target.value as CampaignForm['purpose'])}
              data-testid="campaign-purpose"
            >
              <option value="">The flow's purpose</option>
              <option value="INFORMATIONAL">Informational</option>
              <option value="TELEMARKETING">Telemarketing</option>
            </select>
          )}
        </Row>
        <Row
          field="callerId"
          label="Caller id"
          errors={errors}
          hint={
            maskedCallerIds.length > 0 && callerIds.length === 0
              ? `A number your organisation owns (${maskedCallerIds.join(', ')}); your role sees them masked: type it in full.`
              : 'A number your organisation owns.'
          }
        >
          {(p) => (
            <>
              <input
                {...p}
                list={callerList}
                value={form.callerId}
                onChange={(e) => set('callerId', e.target.value)}
                placeholder="+12125550199"
                data-testid="campaign-caller-id"
              />
              <datalist id={callerList}>
                {callerIds.map((phone) => (
                  <option key={phone} value={phone} />
                ))}
              </datalist>
            </>
          )}
        </Row>
        <Row
          field="subject"
          label="Subject"
          errors={errors}
          hint="What the calls are about (consents are matched on it)."
        >
          {(p) => (
            <input
              {...p}
              value={form.subject}
              onChange={(e) => set('subject', e.target.value)}
              data-testid="campaign-subject"
            />
          )}
        </Row>
      </div>

      <fieldset>
        <legend>Operator window (the callee's local time; it narrows the legal window, never widens it)</legend>
        <div className={`field${errors.fields['window.days'] ? ' field-invalid' : ''}`} data-field="window.days">
          <span className="field-label" id="campaign-days-label">
            Days
          </span>
          <div className="day-picker" role="group" aria-labelledby="campaign-days-label">
            {WEEKDAYS.map((day) => (
              <label key={day} className="field-check">
                <input
                  type="checkbox"
                  checked={form.windowDays.includes(day)}
                  onChange={() => set('windowDays', toggle(form.windowDays, day))}
                  data-testid={`campaign-day-${day}`}
                />
                {DAY_NAMES[day]}
              </label>
            ))}
          </div>
          {errors.fields['window.days'] && (
            <span className="field-error" data-testid="error-window.days">
              {errors.fields['window.days'].join('; ')}
            </span>
          )}
        </div>
        <div className="form-grid">
          <Row field="window.start" label="From" errors={errors}>
            {(p) => (
              <input
                {...p}
                type="time"
                value={form.windowStart}
                onChange={(e) => set('windowStart', e.target.value)}
                data-testid="campaign-window-start"
              />
            )}
          </Row>
          <Row field="window.end" label="Until" errors={errors}>
            {(p) => (
              <input
                {...p}
                type="time"
                value={form.windowEnd}
                onChange={(e) => set('windowEnd', e.target.value)}
                data-testid="campaign-window-end"
              />
            )}
          </Row>
        </div>
      </fieldset>

      <fieldset>
        <legend>Pacing</legend>
        <div className="form-grid">
          <Row field="pacing.maxConcurrent" label="Calls at once" errors={errors}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                value={form.maxConcurrent}
                onChange={(e) => set('maxConcurrent', e.target.value)}
                data-testid="campaign-max-concurrent"
              />
            )}
          </Row>
          <Row field="pacing.perMinute" label="Calls per minute" errors={errors}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                value={form.perMinute}
                onChange={(e) => set('perMinute', e.target.value)}
                data-testid="campaign-per-minute"
              />
            )}
          </Row>
        </div>
      </fieldset>

      <fieldset>
        <legend>Retries</legend>
        <div className="form-grid">
          <Row field="retry.maxAttempts" label="Attempts per contact" errors={errors} hint="1 to 10">
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={10}
                value={form.maxAttempts}
                onChange={(e) => set('maxAttempts', e.target.value)}
                data-testid="campaign-max-attempts"
              />
            )}
          </Row>
          <Row field="retry.minGapMinutes" label="Minutes between attempts" errors={errors}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                value={form.minGapMinutes}
                onChange={(e) => set('minGapMinutes', e.target.value)}
                data-testid="campaign-min-gap"
              />
            )}
          </Row>
        </div>
        <div className={`field${errors.fields['retry.on'] ? ' field-invalid' : ''}`} data-field="retry.on">
          <span className="field-label" id="campaign-retry-on-label">
            Retry when the call ends
          </span>
          <div className="day-picker" role="group" aria-labelledby="campaign-retry-on-label">
            {RETRY_ON.map((outcome) => (
              <label key={outcome} className="field-check">
                <input
                  type="checkbox"
                  checked={form.retryOn.includes(outcome)}
                  onChange={() => set('retryOn', toggle(form.retryOn, outcome))}
                  data-testid={`campaign-retry-${outcome}`}
                />
                {outcome.replace('_', ' ')}
              </label>
            ))}
          </div>
          {errors.fields['retry.on'] && (
            <span className="field-error" data-testid="error-retry.on">
              {errors.fields['retry.on'].join('; ')}
            </span>
          )}
        </div>
      </fieldset>

      <fieldset>
        <legend>Dates (your time zone; empty = from now, no end)</legend>
        <div className="form-grid">
          <Row field="startAt" label="Starts" errors={errors}>
            {(p) => (
              <input
                {...p}
                type="datetime-local"
                value={form.startAt}
                onChange={(e) => set('startAt', e.target.value)}
                data-testid="campaign-start-at"
              />
            )}
          </Row>
          <Row field="endAt" label="Ends" errors={errors} hint="Contacts not reached by then expire.">
            {(p) => (
              <input
                {...p}
                type="datetime-local"
                value={form.endAt}
                onChange={(e) => set('endAt', e.target.value)}
                data-testid="campaign-end-at"
              />
            )}
          </Row>
        </div>
      </fieldset>

      {inputs && inputs.length > 0 && (
        <fieldset data-field="variables" data-testid="campaign-variables">
          <legend>Defaults for every contact (a contact's own values win; empty = none)</legend>
          <div className="form-grid">
            {inputs.map((v) => {
              const id = `campaign-variable-${v.name}`;
              const text = form.variables[v.name] ?? '';
              const invalid = Boolean(errors.fields.variables?.some((m) => m.startsWith(`${v.name}:`)));
              const common = { id, value: text, 'aria-invalid': invalid, 'data-testid': id };
              return (
                <div className={`field${invalid ? ' field-invalid' : ''}`} key={v.name}>
                  <label htmlFor={id}>
                    {v.name}
                    {v.required ? ' (required)' : ''}
                  </label>
                  {v.type === 'enum' || v.type === 'boolean' ? (
                    <select {...common} onChange={(e) => setDefault(v.name, e.target.value)}>
                      <option value="">No default</option>
                      {(v.type === 'boolean' ? ['yes', 'no'] : (v.values ?? [])).map((option) => (
                        <option key={option} value={option}>
                          {option}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      {...common}
                      placeholder={PLACEHOLDERS[v.type] ?? ''}
                      onChange={(e) => setDefault(v.name, e.target.value)}
                    />
                  )}
                  <span className="hint">{v.type}</span>
                </div>
              );
            })}
          </div>
          {errors.fields.variables && (
            <span className="field-error" data-testid="error-variables">
              {errors.fields.variables.join('; ')}
            </span>
          )}
        </fieldset>
      )}

      {(errors.general.length > 0 || summary) && (
        <div role="alert" className="banner banner-error banner-stack" data-testid="campaign-form-errors">
          {summary && <p data-testid="campaign-form-summary">{summary}</p>}
          {errors.general.map((m, i) => (
            <p key={i}>{m}</p>
          ))}
        </div>
      )}
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy} data-testid="campaign-create">
          {busy ? 'Creating…' : 'Create campaign'}
        </button>
        <button type="button" onClick={onCancel}>
          Close
        </button>
      </div>
    </form>
  );
}
