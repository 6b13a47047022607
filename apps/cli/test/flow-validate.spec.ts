import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../src/commands/flow-validate.js';
import { main } from '../src/main.js';
import { fakeIo, fixture } from './helpers.js';

describe('flow validate', () => {
  it('reports a valid flow as ok and exits 0', async () => {
    const io = fakeIo();
    const file = fixture('reminder.flow.json');

    const code = await validateCommand({ files: [file] }, io);

    expect(code).toBe(0);
    expect(io.out()).not.toMatch(/error/);
    expect(io.err()).toBe('');
  });

  it('prints warnings but exits 0 when there is no error', async () => {
    const io = fakeIo();
    const file = fixture('warnings.flow.json');

    const code = await validateCommand({ files: [file] }, io);

    expect(code).toBe(0);
    expect(io.out()).toMatch(
      new RegExp(
        `^${escape(file)}:\\d+:\\d+: warning LAYOUT_UNKNOWN_NODE .+\\(node ghost, path layout\\.nodes\\.ghost\\)$`,
        'm',
      ),
    );
  });

  it('prints each error as `file: error CODE message (node …)` and exits 1', async () => {
    const io = fakeIo();
    const file = fixture('invalid.flow.json');

    const code = await validateCommand({ files: [file] }, io);

    expect(code).toBe(1);
    const errors = io
      .out()
      .split('\n')
      .filter((line) => line.includes(' error '));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const line of errors) expect(line.startsWith(`${file}`)).toBe(true);
    expect(errors.join('\n')).toMatch(/^.+: error \S+ .+\((node|edge) \w+/m);
    expect(io.out()).toContain('nowhere');
    expect(io.out()).toContain('(node confirm');
  });

  it('prints exactly [{ file, diagnostics }] with --json', async () => {
    const io = fakeIo();
    const valid = fixture('reminder.flow.json');
    const invalid = fixture('invalid.flow.json');

    const code = await validateCommand({ files: [valid, invalid], json: true }, io);

    expect(code).toBe(1);
    const parsed = JSON.parse(io.out()) as { file: string; diagnostics: { severity: string; code: string }[] }[];
    expect(parsed.map((entry) => Object.keys(entry).sort())).toEqual([
      ['diagnostics', 'file'],
      ['diagnostics', 'file'],
    ]);
    expect(parsed.map((entry) => entry.file)).toEqual([valid, invalid]);
    expect(parsed[0]?.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(parsed[1]?.diagnostics.some((d) => d.severity === 'error' && typeof d.code === 'string')).toBe(true);
  });

  it('says so clearly for a missing file and exits 2, after checking the others', async () => {
    const io = fakeIo();
    const missing = fixture('does-not-exist.flow.json');

    const code = await validateCommand({ files: [missing, fixture('reminder.flow.json')] }, io);

    expect(code).toBe(2);
    expect(io.err()).toContain(`${missing}: no such flow file`);
    expect(io.out()).toContain('reminder.flow.json: ok');
  });

  describe('with files that are not flow files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'switchboard-cli-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reports text that is not JSON at its line and column, exit 1', async () => {
      const io = fakeIo();
      const file = join(dir, 'not-json.flow.json');
      await writeFile(file, '{ "schema": "switchboard.flow/v1",\n  "meta": { "name": "oops" }\n  "purpose": }\n');

      const code = await validateCommand({ files: [file] }, io);

      expect(code).toBe(1);
      expect(io.out()).toMatch(new RegExp(`^${escape(file)}:3:\\d+: error \\S+ `, 'm'));
    });

    it('refuses a directory with exit 2', async () => {
      const io = fakeIo();

      const code = await main(['flow', 'validate', dir], io);

      expect(code).toBe(2);
      expect(io.err()).toContain(`${dir}: is a directory, not a flow file`);
    });

    it('keeps --json output parseable when a file is missing', async () => {
      const io = fakeIo();

      const code = await main(['flow', 'validate', '--json', join(dir, 'nope.json')], io);

      expect(code).toBe(2);
      expect(JSON.parse(io.out())).toEqual([]);
      expect(io.err()).toContain('no such flow file');
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
