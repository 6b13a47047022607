import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, startServers, type Servers } from './servers.js';

/**
 * An operator's path through the campaign screens, in Debian's chromium: sign in, create a
 * campaign through the form (a field the API refuses shown next to its input first), upload a CSV
 * with one bad row and one duplicate, start it and see the counters move, pause it, follow a
 * contact to its call, cancel after a confirmation. The API runs without a worker, so contacts stop
 * at scheduled/queued. Screenshots go to apps/editor/artifacts/campaigns/.
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

const CSV = [
  'phone,first_name,appointment_at,external_id',
  '+12125550142,Ana,2026-12-10T15:00:00Z,c-1',
  '+12125550143,Ben,2026-12-11T15:00:00Z,c-2',
  'not a phone,Cy,2026-12-12T15:00:00Z,c-3',
  '+1 (212) 555-0142,Ana again,2026-12-10T15:00:00Z,c-4',
].join('\n');

let servers: Servers;
let context: BrowserContext;
let page: Page;
let profile: string;
let step = 0;
/** what the next confirm() dialog answers */
let confirmAnswer = true;

async function shot(name: string): Promise<void> {
  step += 1;
  await page.screenshot({ path: join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();
const count = async (testId: string) => Number(await text(testId));

describe('campaigns in a browser', () => {
  beforeAll(async () => {
    const executablePath = ensureChromium();
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    servers = await startServers();
    profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      args: ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (d) => void (confirmAnswer ? d.accept() : d.dismiss()));
  });

  afterAll(async () => {
    await context?.close();
    await servers?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('creates a campaign, uploads contacts, starts, pauses and cancels it', async () => {
    await page.goto(servers.editorUrl);
    await page.getByLabel('Email').fill(servers.email);
    await page.getByLabel('Password').fill(servers.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();

    // Flows · Campaigns · Calls
    await page.getByTestId('nav-campaigns').click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    expect(await page.getByTestId('nav-campaigns').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('new-campaign').click();

    // the published flows are offered; the caller ids of the organisation are suggested
    const flow = page.getByTestId('campaign-flow');
    await expect.poll(() => flow.locator('option').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const flowValue = await flow.locator('option', { hasText: 'Appointment reminder' }).first().getAttribute('value');
    if (!flowValue) throw new Error('the seeded Appointment reminder flow is not offered');
    await flow.selectOption(flowValue);
    await expect.poll(() => page.getByTestId('campaign-version').locator('option').count()).toBeGreaterThan(1);
    await page.getByTestId('campaign-caller-id').fill('+12125550199');
    for (const day of ['sat', 'sun']) await page.getByTestId(`campaign-day-${day}`).check();
    await page.getByTestId('campaign-window-start').fill('08:00');
    await page.getByTestId('campaign-window-end').fill('21:00');
    await page.getByTestId('campaign-per-minute').fill('30');
    await page.getByTestId('campaign-max-attempts').fill('2');

    // what the browser sees at once: no name
    await page.getByTestId('campaign-create').click();
    expect(await text('error-name')).toBe('is required');

    // what only the API knows: a name longer than it accepts, shown next to the field
    await page.getByTestId('campaign-name').fill('x'.repeat(201));
    await page.getByTestId('campaign-create').click();
    await page.getByTestId('campaign-form-errors').waitFor();
    await page.getByTestId('error-name').waitFor();
    expect(await page.getByTestId('campaign-name').getAttribute('aria-invalid')).toBe('true');
    await shot('form-api-error');

    await page.getByTestId('campaign-name').fill('Spring reminders');
    await page.getByTestId('campaign-create').click();
    await expect.poll(() => text('campaign-status'), { timeout: 15_000 }).toBe('draft');
    expect(await page.getByRole('button', { name: 'Start' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await shot('campaign-draft');

    // the CSV's header is read in the browser and mapped before the upload
    await page.getByTestId('contacts-file').setInputFiles({
      name: 'contacts.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await page.getByTestId('column-mapping').waitFor();
    expect(await page.getByTestId('map-phone').inputValue()).toBe('phone');
    expect(await page.getByTestId('map-externalId').inputValue()).toBe('external_id');
    expect(await page.getByTestId('map-var-first_name').inputValue()).toBe('first_name');
    expect(await page.getByTestId('map-var-appointment_at').inputValue()).toBe('appointment_at');
    await shot('column-mapping');
    await page.getByTestId('upload-contacts').click();
    await page.getByTestId('import-result').waitFor({ timeout: 30_000 });
    expect(await count('import-received')).toBe(4);
    expect(await count('import-added')).toBe(2);
    expect(await count('import-merged')).toBe(1);
    expect(await count('import-rejected')).toBe(1);
    const rejected = page.getByTestId('rejected-rows').locator('tbody tr');
    expect(await rejected.count()).toBe(1);
    // the line of the file (the header is line 1), the column and what it held
    const cells = await rejected.first().locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['4', 'phone', 'not a phone']);
    await expect.poll(() => count('counter-contacts')).toBe(2);
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(2);
    expect(await count('counter-pending')).toBe(2);
    await shot('contacts-uploaded');

    // start: every contact is planned; without a worker they wait scheduled or queued
    await page.getByTestId('campaign-start').click();
    await expect.poll(() => text('campaign-status'), { timeout: 15_000 }).toBe('running');
    await expect.poll(() => count('counter-pending'), { timeout: 15_000 }).toBe(0);
    const planned = async () =>
      (await count('counter-scheduled')) +
      (await count('counter-queued')) +
      (await count('counter-blocked')) +
      (await count('counter-expired'));
    await expect.poll(planned, { timeout: 15_000 }).toBe(2);
    expect(await page.getByRole('button', { name: 'Start' }).count()).toBe(0);
    await shot('campaign-running');

    // pause: nothing new dials
    await page.getByTestId('campaign-pause').click();
    await expect.poll(() => text('campaign-status'), { timeout: 15_000 }).toBe('paused');
    await page.getByTestId('campaign-resume').waitFor();
    await page.getByTestId('contacts-refresh').click();
    await shot('campaign-paused');

    // the list: the campaign with its progress
    await page.getByTestId('nav-campaigns').click();
    const row = page.getByTestId('campaigns-table').locator('tr', { hasText: 'Spring reminders' });
    await row.waitFor();
    expect(await row.textContent()).toContain('paused');
    expect(await row.textContent()).toContain('v1');
    await shot('campaigns-list');

    // the calls of the campaign, and one call's page
    await row.getByRole('link', { name: 'Spring reminders' }).click();
    await page.getByRole('link', { name: 'All calls of this campaign' }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    await expect.poll(() => page.getByTestId('calls-table').locator('tbody tr').count(), { timeout: 15_000 }).toBe(2);
    await shot('campaign-calls');
    await page.getByTestId('calls-table').locator('tbody tr').first().getByRole('link').first().click();
    await page.getByTestId('call-decision').waitFor();
    expect(await text('call-attempt')).toBe('1');
    await shot('call-page');
    await page.goBack();
    await page.goBack();
    await page.getByTestId('campaign-status').waitFor();

    // cancel asks first: dismissed, nothing changes; confirmed, the campaign is cancelled
    confirmAnswer = false;
    await page.getByTestId('campaign-cancel').click();
    await page.waitForTimeout(300);
    expect(await text('campaign-status')).toBe('paused');
    confirmAnswer = true;
    await page.getByTestId('campaign-cancel').click();
    await expect.poll(() => text('campaign-status'), { timeout: 15_000 }).toBe('cancelled');
    await expect.poll(() => count('counter-cancelled'), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('campaign-resume').count()).toBe(0);
    await shot('campaign-cancelled');
  });
});
