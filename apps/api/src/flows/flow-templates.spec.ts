import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FlowTemplateCatalog, defaultTemplatesDir } from './flow-templates.js';

describe('flow templates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flow-templates-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the example flows at the repository root', () => {
    const found = defaultTemplatesDir();
    expect(found).toMatch(/\/flows$/);
    expect(JSON.parse(readFileSync(join(found, 'appointment-reminder.flow.json'), 'utf8'))).toHaveProperty(
      'schema',
      'switchboard.flow/v1',
    );
  });

  it('offers the valid flows of a folder, by file name, and leaves the others out', async () => {
    const example = readFileSync(join(defaultTemplatesDir(), 'payment-reminder.flow.json'), 'utf8');
    writeFileSync(join(dir, 'b-payment.flow.json'), `\uFEFF${example}`);
    writeFileSync(join(dir, 'a-broken.flow.json'), '{"schema": "switchboard.flow/v1"}');
    writeFileSync(join(dir, 'notes.json'), '{}');
    const catalog = new FlowTemplateCatalog(dir);
    const templates = await catalog.list();
    expect(templates.map((t) => t.id)).toEqual(['b-payment']);
    expect(templates[0]).toMatchObject({ name: 'Invoice payment reminder', purpose: 'INFORMATIONAL' });
    expect(templates[0]?.document).toEqual(JSON.parse(example));
    expect(await catalog.find('b-payment')).toBe(templates[0]);
    expect(await catalog.find('a-broken')).toBeUndefined();
  });

  it('offers nothing when the folder is missing', async () => {
    expect(await new FlowTemplateCatalog(join(dir, 'missing')).list()).toEqual([]);
  });
});
