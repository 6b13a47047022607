import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, startServers, type Servers } from './servers.js';

/**
 * An operator's path through the campaign screens, in Debian's chromium: sign in, create a
 * campaign through the form (a field the browser or the API refuses shown next to its input, and
 * named in the banner), upload a CSV with a bad row and a duplicate (the rejected row shown with its
 * line, column and value; the good rows kept), start it and see the counters and the contacts move
 * together, pause and resume it, follow contacts to their calls (the gate's decisions, the calls of
 * the contact), see numbers masked for an operator and no write buttons for a viewer, cancel after
 * a confirmation. The API runs without a worker, so contacts stop at scheduled/queued (or blocked).
 * Screenshots go to apps/editor/artifacts/campaigns/.
 */
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../artifacts/campaigns');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** the seed's consented callee; +12125550144 is given consent below; +12125550143 has none (blocked) */
const CONSENTED = '+12125550142';
const ALSO_CONSENTED = '+12125550144';
const NO_CONSENT = '+12125550143';
const CSV = [
  'phone,first_name,appointment_at,external_id',
  `${CONSENTED},Ana,2026-12-10T15:00:00Z,c-1`,
  `${NO_CONSENT},Ben,2026-12-11T15:00:00Z,c-2`,
  'not a phone,Cy,2026-12-12T15:00:00Z,c-3',
  '+1 (212) 555-0142,Ana again,2026-12-10T15:00:00Z,c-4',
  `${ALSO_CONSENTED},Dee,2026-12-13T15:00:00Z,c-5`,
].join('\n');
const PASSWORD = 'campaigns-e2e-password';
const OPERATOR = 'operator@campaigns-e2e.test';
const VIEWER = 'viewer@campaigns-e2e.test';

let servers: Servers;
let context: BrowserContext;
let page: Page;
let profile: string;
let step = 0;
/** what the next confirm() dialog answers, and what every dialog said */
let confirmAnswer = true;
const dialogs: string[] = [];
/** the demo admin's API session, for what the test sets up or changes behind the page's back */
let adminToken = '';

async function shot(name: string): Promise<void> {
  step += 1;
  await page.screenshot({ path: join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();
const count = async (testId: string) => Number(await text(testId));

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${servers.apiUrl}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json().catch(() => undefined)) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Written consent (PEWC naming the organisation) for a number, as scripts/reliability records it. */
async function consent(phone: string, organization: string): Promise<void> {
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  const disclosure = `By clicking Submit, I agree that ${organization} may call me at the number above with automated or artificial-voice calls about my appointments. Consent is not a condition of purchase.`;
  const csv = [
    'phone,type,disclosure_text,captured_at,sellers,signature_method,affirmative_act,authorizes_artificial_voice,not_condition_of_purchase,page_url,written',
    [
      phone,
      'PEWC',
      quote(disclosure),
      new Date(Date.now() - 86_400_000).toISOString(),
      quote(organization),
      'checkbox_submit',
      'true',
      'true',
      'true',
      'https://campaigns.e2e.test/signup',
      'true',
    ].join(','),
  ].join('\n');
  const answer = await api<{ imported: number }>('POST', '/v1/consents/import', { csv });
  expect(answer.imported).toBe(1);
}

async function signIn(email: string, password: string): Promise<void> {
  // exact: "voicemail" (a retry checkbox of the campaign form) contains "email"
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Flows' }).waitFor();
}

async function signOutAndIn(email: string, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(email, password);
}

/** Each contact is in exactly one state: the state counters add up to the contacts. */
async function expectCountersAddUp(): Promise<void> {
  const states = ['pending', 'scheduled', 'queued', 'in_progress', 'completed', 'failed', 'blocked', 'expired'];
  let sum = await count('counter-cancelled');
  for (const state of states) sum += await count(`counter-${state}`);
  expect(sum).toBe(await count('counter-contacts'));
  expect(await page.getByTestId('counters-mismatch').count()).toBe(0);
}

const contactRow = (phone: string) => page.getByTestId('contact-row').filter({ hasText: phone });
const contactState = async (phone: string) =>
  ((await contactRow(phone).locator('.status-pill').first().textContent()) ?? '').trim();

describe('campaigns in a browser', () => {
  beforeAll(async () => {
    const executablePath = ensureChromium();
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    servers = await startServers();
    const login = await api<{ token: string; organization: { name: string } }>('POST', '/v1/auth/login', {
      email: servers.email,
      password: servers.password,
    });
    adminToken = login.token;
    await consent(ALSO_CONSENTED, login.organization.name);
    for (const [email, roles] of [
      [OPERATOR, ['operator']],
      [VIEWER, ['viewer']],
    ] as const)
      await api('POST', '/v1/members', { email, roles, password: PASSWORD });

    profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      args: ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void (confirmAnswer ? d.accept() : d.dismiss());
    });
  });

  afterAll(async () => {
    await context?.close();
    await servers?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('creates a campaign, uploads contacts, starts, pauses, resumes and cancels it', async () => {
    await page.goto(servers.editorUrl);
    await signIn(servers.email, servers.password);

    // Flows · Campaigns · Calls
    await page.getByTestId('nav-campaigns').click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    expect(await page.getByTestId('nav-campaigns').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('campaigns-empty').waitFor();
    await page.getByTestId('new-campaign').click();

    // the published flows are offered; the caller ids of the organisation are suggested
    const flow = page.getByTestId('campaign-flow');
    await expect.poll(() => flow.locator('option').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const flowValue = await flow.locator('option', { hasText: 'Appointment reminder' }).first().getAttribute('value');
    if (!flowValue) throw new Error('the seeded Appointment reminder flow is not offered');
    await flow.selectOption(flowValue);
    await expect.poll(() => page.getByTestId('campaign-version').locator('option').count()).toBeGreaterThan(1);
    await expect.poll(() => page.getByTestId('campaign-caller-id').inputValue()).toBe('+12125550199');
    for (const day of ['sat', 'sun']) await page.getByTestId(`campaign-day-${day}`).check();
    await page.getByTestId('campaign-window-start').fill('08:00');
    await page.getByTestId('campaign-window-end').fill('21:00');
    await page.getByTestId('campaign-per-minute').fill('30');
    await page.getByTestId('campaign-max-attempts').fill('2');
    // the pinned version's input variables may be given defaults for every contact
    await page.getByTestId('campaign-variables').waitFor();
    expect(await page.getByTestId('campaign-variables').locator('label').allInnerTexts()).toEqual([
      'first_name (required)',
      'appointment_at (required)',
    ]);

    // what the browser sees at once: no name, named in the banner too, the field focused
    await page.getByTestId('campaign-create').click();
    expect(await text('error-name')).toBe('is required');
    expect(await text('campaign-form-summary')).toBe('Not created yet: check Name.');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('campaign-name');
    // editing the field takes its stale message away
    await page.getByTestId('campaign-name').fill('x');
    expect(await page.getByTestId('error-name').count()).toBe(0);
    expect(await page.getByTestId('campaign-form-errors').count()).toBe(0);

    // what only the API knows: a name longer than it accepts, shown next to the field, named once
    await page.getByTestId('campaign-name').fill('x'.repeat(201));
    await page.getByTestId('campaign-create').click();
    await page.getByTestId('campaign-form-errors').waitFor();
    await page.getByTestId('error-name').waitFor();
    expect(await page.getByTestId('campaign-name').getAttribute('aria-invalid')).toBe('true');
    expect(await text('campaign-form-summary')).toBe('Not created yet: check Name.');
    expect(await text('campaign-form-errors')).not.toContain('body.');
    await shot('form-api-error');

    // a default of the wrong type: the API's message lands on the defaults, naming the variable
    await page.getByTestId('campaign-name').fill('Spring reminders');
    await page.getByTestId('campaign-variable-appointment_at').fill('tomorrow');
    await page.getByTestId('campaign-create').click();
    await page.getByTestId('error-variables').waitFor();
    expect(await text('error-variables')).toMatch(/^appointment_at: must be an ISO 8601 date-time/);
    expect(await text('campaign-form-summary')).toBe('Not created yet: check Defaults for every contact.');
    expect(await page.getByTestId('campaign-variable-appointment_at').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('campaign-variable-appointment_at');
    await shot('form-defaults-error');
    await page.getByTestId('campaign-variable-appointment_at').fill('');
    await page.getByTestId('campaign-variable-first_name').fill('friend');
    await page.getByTestId('campaign-create').click();
    await expect.poll(() => text('campaign-status'), { timeout: 15_000 }).toBe('draft');
    expect(await text('campaign-defaults')).toBe('first_name = friend');
    const campaignUrl = page.url();

    // the CSV is chosen at once, before the flow version's variables may have arrived: its header is
    // read in the browser and the variables' columns are guessed when they come
    await page.getByTestId('contacts-file').setInputFiles({
      name: 'contacts.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await page.getByTestId('column-mapping').waitFor();
    await expect.poll(() => page.getByTestId('map-var-first_name').inputValue()).toBe('first_name');
    expect(await page.getByTestId('map-var-appointment_at').inputValue()).toBe('appointment_at');
    expect(await page.getByTestId('map-phone').inputValue()).toBe('phone');
    expect(await page.getByTestId('map-externalId').inputValue()).toBe('external_id');
    expect(await page.getByTestId('mapping-problems').count()).toBe(0);

    // no contacts yet: Start is offered but cannot be pressed, and the page says why
    expect(await page.getByTestId('campaign-start').isDisabled()).toBe(true);
    await page.getByTestId('campaign-start-hint').waitFor();
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await shot('campaign-draft-mapping');

    await page.getByTestId('upload-contacts').click();
    await page.getByTestId('import-result').waitFor({ timeout: 30_000 });
    expect(await count('import-received')).toBe(5);
    expect(await count('import-added')).toBe(3);
    expect(await count('import-merged')).toBe(1);
    expect(await count('import-rejected')).toBe(1);
    expect(await text('import-summary')).toContain('1 row repeated a number');
    const rejected = page.getByTestId('rejected-rows').locator('tbody tr');
    expect(await rejected.count()).toBe(1);
    // the line of the file (the header is line 1), the column and what it held
    const cells = await rejected.first().locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['4', 'phone', 'not a phone']);
    // the same file is not offered for a second upload
    expect(await page.getByTestId('column-mapping').count()).toBe(0);
    await expect.poll(() => count('counter-contacts')).toBe(3);
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(3);
    expect(await count('counter-pending')).toBe(3);
    await expectCountersAddUp();
    expect(await page.getByTestId('campaign-start').isDisabled()).toBe(false);
    await shot('contacts-uploaded');

    // start: every contact is planned; without a worker they wait scheduled or queued, or are blocked
    await page.getByTestId('campaign-start').click();
    await expect.poll(() => text('campaign-status'), { timeout: 15_000 }).toBe('running');
    await expect.poll(() => count('counter-pending'), { timeout: 15_000 }).toBe(0);
    const planned = async () =>
      (await count('counter-scheduled')) +
      (await count('counter-queued')) +
      (await count('counter-blocked')) +
      (await count('counter-expired'));
    await expect.poll(planned, { timeout: 15_000 }).toBe(3);
    await expectCountersAddUp();
    expect(await page.getByRole('button', { name: 'Start' }).count()).toBe(0);
    // the number without consent is blocked, with the gate's reason
    await expect.poll(() => contactState(NO_CONSENT), { timeout: 15_000 }).toBe('blocked');
    expect(await contactRow(NO_CONSENT).textContent()).toContain('NO_CONSENT');
    // the counters are read just before the contacts: they may show the block a poll later
    await expect.poll(() => text('blocked-by-reason'), { timeout: 15_000 }).toContain('NO_CONSENT');
    await shot('campaign-running');

    // a call cancelled behind the page's back: the counters and the contacts table move together,
    // without pressing Refresh
    const contacts = await api<{ items: Array<{ phone: string; lastCallId: string | null }> }>(
      'GET',
      `/v1/campaigns/${campaignUrl.split('/').at(-1)}/contacts`,
    );
    const callId = contacts.items.find((c) => c.phone === ALSO_CONSENTED)?.lastCallId;
    if (!callId) throw new Error(`no call planned for ${ALSO_CONSENTED}`);
    await api('POST', `/v1/calls/${callId}/cancel`);
    await expect.poll(() => count('counter-cancelled'), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => contactState(ALSO_CONSENTED), { timeout: 15_000 }).toBe('cancelled');
    await expectCountersAddUp();
    expect(await text('campaign-status')).toBe('running');

    // pause: nothing new dials; only Resume and Cancel are offered
    await page.getByTestId('campaign-pause').click();
    await expect.poll(() => text('campaign-status'), { timeout: 15_000 }).toBe('paused');
    await page.getByTestId('campaign-resume').waitFor();
    expect(await page.getByTestId('campaign-pause').count()).toBe(0);
    expect(await page.getByTestId('campaign-start').count()).toBe(0);
    await expect.poll(() => contactState(CONSENTED), { timeout: 15_000 }).toBe('pending');
    await expectCountersAddUp();
    await shot('campaign-paused');

    // resume: the waiting contact is planned again
    await page.getByTestId('campaign-resume').click();
    await expect.poll(() => text('campaign-status'), { timeout: 15_000 }).toBe('running');
    await expect.poll(() => contactState(CONSENTED), { timeout: 15_000 }).toMatch(/^(scheduled|queued)$/);
    await page.getByTestId('campaign-pause').waitFor();

    // the list: the campaign with its progress
    await page.getByTestId('nav-campaigns').click();
    const row = page.getByTestId('campaigns-table').locator('tr', { hasText: 'Spring reminders' });
    await row.waitFor();
    expect(await row.textContent()).toContain('running');
    expect(await row.textContent()).toContain('v1');
    // the flow's name comes from the flows list, read beside the campaigns
    await expect.poll(() => row.textContent()).toContain('Appointment reminder');
    await shot('campaigns-list');

    // the calls of the campaign (the paused one and its re-plan are both kept)
    await row.getByRole('link', { name: 'Spring reminders' }).click();
    await page.getByRole('link', { name: 'All calls of this campaign' }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    await expect.poll(() => page.getByTestId('calls-table').locator('tbody tr').count(), { timeout: 15_000 }).toBe(4);
    await shot('campaign-calls');

    // a blocked call: the gate's outcome and reasons, never dialled
    await page.goto(campaignUrl);
    await contactRow(NO_CONSENT).getByTestId('contact-call').click();
    await page.getByTestId('call-decision').waitFor();
    expect(await text('call-to')).toBe(NO_CONSENT);
    expect(await text('call-status')).toBe('blocked');
    expect(await text('call-outcome')).toMatch(/^BLOCKED/);
    expect(await text('call-reasons')).toContain('NO_CONSENT');
    expect(await text('call-transcript-empty')).toMatch(/^Never dialled/);
    await expect.poll(() => text('call-campaign')).toBe('Spring reminders');
    expect(await text('call-attempt')).toBe('1');
    // an admin reads the decision log: every decision of the call, in order
    await expect.poll(() => page.getByTestId('call-decisions').locator('li').count()).toBeGreaterThan(0);
    await shot('call-blocked');

    // the re-planned contact: the call shown and the one the pause returned
    await page.goto(campaignUrl);
    await contactRow(CONSENTED).getByTestId('contact-call').click();
    await page.getByTestId('call-attempts').waitFor();
    expect(await page.getByTestId('call-attempts').locator('tbody tr').count()).toBe(2);
    // allowed, or deferred to the calling window when the test runs at night in New York
    expect(await text('call-outcome')).toMatch(/^(ALLOWED|DEFERRED)$/);
    await page.getByTestId('call-cancel').waitFor();
    await shot('call-replanned');

    // an operator runs campaigns but sees callees' numbers masked; the organisation's own caller ids
    // are not a callee's data: they are offered whole
    await page.goto(campaignUrl);
    await signOutAndIn(OPERATOR, PASSWORD);
    await page.goto(campaignUrl);
    await page.getByTestId('numbers-masked').waitFor();
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(3);
    for (const phone of await page.getByTestId('contact-row').locator('td:first-child').allTextContents())
      expect(phone).toMatch(/\*/);
    await page.getByTestId('campaign-pause').waitFor();
    await page.getByTestId('contacts-file').waitFor();
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('new-campaign').click();
    await page.getByTestId('campaign-flow').waitFor();
    await expect.poll(() => page.getByTestId('campaign-caller-id').inputValue()).toBe('+12125550199');
    expect(await text('hint-callerId')).toBe('A number your organisation owns.');
    await shot('operator-form');

    // a viewer reads, and is offered nothing to change
    await signOutAndIn(VIEWER, PASSWORD);
    await page.goto(campaignUrl);
    await page.getByTestId('campaign-status').waitFor();
    await page.getByTestId('numbers-masked').waitFor();
    for (const action of ['start', 'pause', 'resume', 'cancel'])
      expect(await page.getByTestId(`campaign-${action}`).count()).toBe(0);
    expect(await page.getByTestId('contacts-file').count()).toBe(0);
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaigns-table').waitFor();
    expect(await page.getByTestId('new-campaign').count()).toBe(0);
    await shot('viewer-campaigns');

    // cancel asks first: dismissed, nothing changes; confirmed, the campaign is cancelled
    await signOutAndIn(servers.email, servers.password);
    await page.goto(campaignUrl);
    await page.getByTestId('campaign-cancel').waitFor();
    confirmAnswer = false;
    await page.getByTestId('campaign-cancel').click();
    await expect.poll(() => dialogs.at(-1) ?? '').toContain('Cancel "Spring reminders"?');
    expect(await text('campaign-status')).toBe('running');
    expect(await page.getByTestId('campaign-cancel').isEnabled()).toBe(true);
    confirmAnswer = true;
    await page.getByTestId('campaign-cancel').click();
    await expect.poll(() => text('campaign-status'), { timeout: 15_000 }).toBe('cancelled');
    await expect.poll(() => count('counter-cancelled'), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => contactState(CONSENTED), { timeout: 15_000 }).toBe('cancelled');
    await expectCountersAddUp();
    for (const action of ['start', 'pause', 'resume', 'cancel'])
      expect(await page.getByTestId(`campaign-${action}`).count()).toBe(0);
    expect(await page.getByTestId('contacts-file').count()).toBe(0);
    await shot('campaign-cancelled');
  });
});
