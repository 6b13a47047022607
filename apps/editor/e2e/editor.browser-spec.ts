import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, startServers, type Servers } from './servers.js';

/**
 * A designer's whole path through the editor, in Debian's chromium: sign in, create a flow
 * from a template, publish it, add and wire a question (a problem badge, then fixed), a test
 * call along the new path saved as a scenario, the scenarios, a refused publish, a restore,
 * a global limited to one node, a second version, the diff and the draft's diff. Screenshots of each step go to apps/editor/artifacts/.
 */
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../artifacts');
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

let servers: Servers;
let context: BrowserContext;
let page: Page;
let profile: string;
let step = 0;

async function shot(name: string): Promise<void> {
  step += 1;
  await page.screenshot({ path: join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`) });
}

/** Drags from a node's exit to another node, as a designer does. */
async function connect(source: string, handle: string, target: string): Promise<void> {
  const from = page.locator(`.react-flow__handle.source[data-nodeid="${source}"][data-handleid="${handle}"]`);
  const to = page.locator(`.react-flow__node[data-id="${target}"] .flow-node-header`);
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error(`cannot see ${source}.${handle} or ${target}`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

async function layoutAndFit(): Promise<void> {
  await page.getByTestId('auto-layout').click();
  await page.waitForTimeout(500);
}

async function waitSaved(): Promise<void> {
  await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved');
}

describe('the flow editor in a browser', () => {
  beforeAll(async () => {
    const executablePath = ensureChromium();
    // only this test's screenshots: artifacts/campaigns/ belongs to campaigns.browser-spec.ts
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const file of readdirSync(ARTIFACTS)) if (file.endsWith('.png')) rmSync(join(ARTIFACTS, file));
    servers = await startServers();
    profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      args: ARGS,
      headless: true,
      viewport: { width: 1280, height: 720 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? d.defaultValue() || 'yes' : undefined));
  });

  afterAll(async () => {
    await context?.close();
    await servers?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('signs in, edits, tests, publishes and compares versions', async () => {
    await page.goto(servers.editorUrl);
    await page.getByLabel('Email').fill(servers.email);
    await page.getByLabel('Password').fill(servers.password);
    await shot('login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    await shot('flows-list');

    // create from a template
    await page.getByTestId('template').selectOption('appointment-reminder');
    await page.getByTestId('new-name').fill('E2E reminder');
    await page.getByTestId('create-flow').click();
    await page.locator('.react-flow__node[data-id="confirm"]').waitFor();
    await shot('editor-opened');

    // the keyboard shortcuts help
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await shot('shortcuts-help');
    await page.keyboard.press('Escape');

    // publish the template as it is: version 1
    await page.getByTestId('tab-publish').click();
    await page.getByTestId('publish-message').fill('First version from the template');
    await page.getByTestId('publish').click();
    await expect
      .poll(() => page.getByTestId('publish-status').textContent(), { timeout: 30_000 })
      .toContain('Published version 1');

    // add a question and put it after "confirm: yes": a problem badge appears
    await page.getByTestId('palette-question').click();
    await page.locator('.react-flow__node[data-id="question_1"]').waitFor();
    // undo and redo from the keyboard
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node[data-id="question_1"]').count()).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await page.locator('.react-flow__node[data-id="question_1"]').waitFor();
    await layoutAndFit();
    await connect('confirm', 'yes', 'question_1');
    await layoutAndFit();
    await page.getByTestId('badge-question_1').waitFor();
    expect(await page.getByTestId('badge-question_1').getAttribute('class')).toContain('badge-error');
    await page.getByTestId('tab-problems').click();
    await shot('question-added-with-problems');

    // fix it: wire every exit, write the prompt, declare its variable
    await connect('question_1', 'yes', 'confirmed_end');
    await connect('question_1', 'no', 'confirmed_end');
    await connect('question_1', 'no_input', 'no_response');
    // the last exit from the keyboard: C opens "Connect…" with the free exits and the targets canConnect accepts
    await page.locator('.react-flow__node[data-id="question_1"] .flow-node-header').click();
    await page.keyboard.press('c');
    const connectDialog = page.getByRole('dialog', { name: 'Connect question_1' });
    await connectDialog.waitFor();
    expect(await page.getByTestId('connect-exit').locator('option').allTextContents()).toEqual(['no_match (required)']);
    expect(await page.getByTestId('connect-target').locator('option').allTextContents()).not.toContain('start');
    await page.getByTestId('connect-target').selectOption('unclear_end');
    await shot('connect-dialog');
    await page.getByTestId('connect-submit').click();
    await expect.poll(() => connectDialog.isVisible()).toBe(false);
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('field-prompt').fill('Would you like a text reminder the day before?');
    await page.getByTestId('field-prompt').blur();
    await page.getByTestId('declare-variable').click();
    await expect
      .poll(
        async () =>
          (await page.getByTestId('badge-question_1').count()) === 0 ||
          (await page.getByTestId('badge-question_1').getAttribute('class'))?.includes('badge-warning'),
        { timeout: 10_000 },
      )
      .toBe(true);
    await shot('question-fixed');
    await waitSaved();

    // a test call that takes the new path
    await page.getByTestId('tab-test').click();
    await page.getByText('Call inputs').click();
    await page.getByLabel('first_name').fill('Ana');
    await page.getByLabel('appointment_at').fill('2026-03-10T15:00:00Z');
    await page.getByTestId('start-call').click();
    await page.getByTestId('transcript').waitFor();
    await page.getByTestId('callee-input').fill('yes that works');
    await page.getByTestId('callee-input').press('Enter');
    await expect
      .poll(() => page.getByTestId('transcript').textContent(), { timeout: 15_000 })
      .toContain('text reminder');
    await page.getByTestId('callee-input').fill('yes please');
    await page.getByTestId('callee-input').press('Enter');
    await expect.poll(() => page.getByTestId('transcript').textContent(), { timeout: 15_000 }).toContain('Call ended');
    expect(await page.locator('.react-flow__node[data-id="question_1"]').getAttribute('class')).toMatch(/mark-/);
    await shot('test-call');

    // save the call as a scenario of the flow (an undoable edit), then run just that one
    await page.getByTestId('scenario-name').fill('says yes to a reminder');
    await page.getByTestId('save-scenario').click();
    await page.getByTestId('scenario-saved').waitFor();
    await page.locator('[data-scenario="says yes to a reminder"]').waitFor();
    await waitSaved();
    await page.getByRole('button', { name: 'Run says yes to a reminder' }).click();
    await expect
      .poll(() => page.getByTestId('scenario-results').textContent(), { timeout: 60_000 })
      .toContain('1/1 passed');
    await shot('scenario-saved-and-run');

    // the scenarios: the old "confirms" path now fails
    await page.getByTestId('run-scenarios').click();
    await expect.poll(() => page.locator('.scenario-list li.fail').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await page.locator('.scenario-list li.fail > button').first().click();
    await shot('scenarios');

    // publishing is refused, with the failures listed
    await page.getByTestId('tab-publish').click();
    await page.getByTestId('publish-message').fill('Ask about a text reminder');
    await page.getByTestId('publish').click();
    await expect
      .poll(() => page.getByTestId('publish-status').textContent(), { timeout: 60_000 })
      .toContain('Not published');
    await shot('publish-refused');

    // back to version 1, then a change the scenarios accept: a "repeat" answer
    await page.getByRole('button', { name: 'Restore' }).first().click();
    await expect.poll(() => page.locator('.react-flow__node[data-id="question_1"]').count()).toBe(0);
    await page.getByTestId('palette-say').click();
    await page.locator('.react-flow__node[data-id="say_1"]').waitFor();
    await page.getByTestId('tab-inspect').click();
    await page
      .getByTestId('field-text')
      .fill('Your appointment is with {{ meta.business }}; I am an automated assistant.');
    await page.getByTestId('field-text').blur();
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.getByTestId('settings-tab-globals').click();
    const globalsForm = page.locator('form.inline-form');
    await globalsForm.getByLabel('Intent').selectOption('repeat');
    await globalsForm.getByLabel('Go to').selectOption('say_1');
    await page.getByRole('button', { name: 'Add global' }).click();
    await page.locator('.subform', { hasText: 'g_repeat' }).getByLabel('Return to the interrupted node').check();
    // limit the global to the "confirm" question
    const scope = page.getByTestId('global-scope-g_repeat');
    expect(await page.getByTestId('global-scope-summary-g_repeat').textContent()).toContain('Everywhere');
    await scope.getByLabel('confirm', { exact: true }).check();
    await expect.poll(() => page.getByTestId('global-scope-summary-g_repeat').textContent()).toBe('Only at confirm.');
    await shot('global-scope');
    await waitSaved();
    await page.getByTestId('tab-publish').click();
    await page.getByTestId('publish-message').fill('Repeat on request');
    await page.getByTestId('publish').click();
    await expect
      .poll(() => page.getByTestId('publish-status').textContent(), { timeout: 60_000 })
      .toContain('Published version 2');

    // the diff between the versions, highlighted on the canvas
    await page.getByTestId('show-diff').click();
    await page.getByTestId('diff').waitFor();
    expect(await page.getByTestId('diff').textContent()).toContain('say_1');
    expect(await page.locator('.react-flow__node[data-id="say_1"]').getAttribute('class')).toContain('mark-added');
    await shot('diff');

    // the draft against the latest version, diffed in the browser: an edit shows as changed
    await page.locator('.react-flow__node[data-id="say_1"] .flow-node-header').click();
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('field-text').fill('Your appointment is with {{ meta.business }}; I am an automated agent.');
    await page.getByTestId('field-text').blur();
    await page.getByTestId('tab-publish').click();
    await page.getByTestId('show-draft-diff').click();
    await expect.poll(() => page.getByTestId('diff-title').textContent()).toBe('v2 → draft');
    expect(await page.getByTestId('diff').textContent()).toContain('Node changed: say_1');
    expect(await page.locator('.react-flow__node[data-id="say_1"]').getAttribute('class')).toContain('mark-changed');
    await shot('draft-diff');

    // a tool's headers warn about an inline secret, its body about JSON that does not parse
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('settings-tab-tools').click();
    await page.getByLabel('New HTTP tool').fill('crm');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const headers = page.getByTestId('tool-headers-crm');
    await headers.getByRole('button', { name: 'Add header' }).click();
    await headers.getByLabel('Header 1').fill('authorization');
    await headers.getByLabel('Value 1').fill('Bearer abc123');
    await page.getByTestId('tool-body-crm').fill('{"when": ');
    expect(await headers.locator('.field-warning').textContent()).toContain('{{ secrets.name }}');
    await page.getByText(/^Not JSON/).waitFor();
    await shot('tool-headers-and-body');
    await headers.getByLabel('Value 1').fill('Bearer {{ secrets.crm_token }}');
    await headers.getByLabel('Value 1').blur();
    expect(await headers.locator('.field-warning').count()).toBe(0);
    await page.getByTestId('tool-body-crm').fill('{"when": "{{ appointment_at }}"}');
    await page.getByTestId('tool-body-crm').blur();
    expect(await page.getByText(/^Not JSON/).count()).toBe(0);
    await waitSaved();
  });

  it('pans and edits a 200-node flow without lag, and pastes nodes copied from another flow', async () => {
    // copy two nodes of the flow of the first test (still open)
    await page.getByTestId('tab-inspect').click();
    await page.locator('.react-flow__node[data-id="greet"] .flow-node-header').click();
    await page.locator('.react-flow__node[data-id="confirm"] .flow-node-header').click({ modifiers: ['Control'] });
    await page.keyboard.press('Control+c');

    const nodes: unknown[] = [{ id: 'start', type: 'start' }];
    const edges: unknown[] = [{ id: 'e_human', from: 'start', handle: 'human', to: 's0' }];
    for (const handle of ['voicemail', 'no_answer', 'busy', 'failed'])
      edges.push({ id: `e_${handle}`, from: 'start', handle, to: 'bye' });
    for (let i = 0; i < 198; i++) {
      nodes.push({ id: `s${i}`, type: 'say', text: `Hello, this is an automated call from Acme, line ${i}.` });
      edges.push({ id: `e${i}`, from: `s${i}`, handle: 'next', to: i < 197 ? `s${i + 1}` : 'bye' });
    }
    nodes.push({ id: 'bye', type: 'end', disposition: 'done' });
    const layout = {
      nodes: Object.fromEntries(
        nodes.map((n, i) => [(n as { id: string }).id, { x: (i % 20) * 280, y: Math.floor(i / 20) * 180 }]),
      ),
    };
    const document = {
      schema: 'switchboard.flow/v1',
      meta: { name: 'Two hundred nodes', business: 'Acme' },
      purpose: 'INFORMATIONAL',
      entry: 'start',
      nodes,
      edges,
      layout,
    };
    const token = String(await page.evaluate('sessionStorage.getItem("switchboard.token")'));
    const response = await fetch(`${servers.apiUrl}/v1/flows/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(document),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await page.goto(`${servers.editorUrl}/#/flows/${id}`);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByTestId('fit-view').click();
    await page.waitForTimeout(400);

    // pan: 40 mouse moves over the pane, timed
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    let started = Date.now();
    await page.mouse.move(pane.x + 40, pane.y + 40);
    await page.mouse.down();
    await page.mouse.move(pane.x + 340, pane.y + 240, { steps: 40 });
    await page.mouse.up();
    const panMs = Date.now() - started;

    // drag a node: every frame is a moveNodes edit of the document
    await page.getByTestId('fit-view').click();
    await page.waitForTimeout(400);
    const node = (await page.locator('.react-flow__node').nth(30).boundingBox())!;
    started = Date.now();
    await page.mouse.move(node.x + node.width / 2, node.y + 5);
    await page.mouse.down();
    await page.mouse.move(node.x + node.width / 2 + 200, node.y + 105, { steps: 40 });
    await page.mouse.up();
    const dragMs = Date.now() - started;
    console.log(`200 nodes: pan ${panMs} ms, drag ${dragMs} ms for 40 moves`);
    expect(dragMs).toBeLessThan(8_000);
    expect(await page.getByTestId('save-state').textContent()).not.toBe('Saved');

    // paste what was copied in the other flow
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('.react-flow__node[data-id="greet"]').count()).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node[data-id="greet"]').count()).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await shot('two-hundred-nodes-with-paste');

    // someone else saves meanwhile: the next autosave is a 409 and the banner offers a choice
    await waitSaved();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const current = (await (await fetch(`${servers.apiUrl}/v1/flows/${id}`, { headers: auth })).json()) as {
      document: Record<string, unknown>;
    };
    const theirs = await fetch(`${servers.apiUrl}/v1/flows/${id}`, {
      method: 'PUT',
      headers: { ...auth, 'if-match': '*' },
      body: JSON.stringify({ document: { ...current.document, meta: { name: 'Renamed elsewhere' } } }),
    });
    expect(theirs.status).toBe(200);
    await page.locator('.react-flow__node[data-id="bye"] .flow-node-header').click();
    await page.keyboard.press('Control+d');
    await page.getByTestId('conflict-banner').waitFor({ timeout: 15_000 });
    await shot('save-conflict');
    await page.getByRole('button', { name: 'Overwrite with mine' }).click();
    await waitSaved();
  });
});
