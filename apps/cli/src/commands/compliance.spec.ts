import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { evaluateCommand, registerComplianceCommands } from './compliance.js';

function fakeIo(stdin = '') {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    stdin: Readable.from(stdin === '' ? [] : [Buffer.from(stdin, 'utf8')]),
    env: {},
  };
  return { io, out: () => out, err: () => err };
}

const INPUT = {
  request: {
    seller: { id: 'acme-solar', legalName: 'Acme Solar LLC' },
    purpose: 'INFORMATIONAL',
    phone: '(212) 555-0101',
    mode: 'SCHEDULE',
    at: '2026-03-10T14:00:00Z',
    callerId: { phone: '+12125550199', verifiedOwned: true },
  },
  facts: {
    consents: [
      { id: 'c1', type: 'PEC', phone: '+12125550101', sellers: ['Acme Solar LLC'], capturedAt: '2026-01-05T15:00:00Z' },
    ],
  },
};

describe('switchboard compliance evaluate', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-compliance-'));
    await writeFile(file('input.json'), JSON.stringify(INPUT));
    await writeFile(
      file('late.json'),
      JSON.stringify({ ...INPUT, request: { ...INPUT.request, at: '2026-03-11T02:00:00Z' } }),
    );
    await writeFile(
      file('bad-phone.json'),
      JSON.stringify({ ...INPUT, request: { ...INPUT.request, phone: 'call me' } }),
    );
    await writeFile(file('broken.json'), '{ "request": ');
    await writeFile(
      file('wrong-shape.json'),
      JSON.stringify({ ...INPUT, request: { ...INPUT.request, at: 'tomorrow', mode: 'NOW' } }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the decision as JSON and exits 0', async () => {
    const t = fakeIo();
    const code = await evaluateCommand({ file: file('input.json') }, t.io);
    expect(code).toBe(0);
    expect(t.err()).toBe('');
    expect(JSON.parse(t.out())).toEqual({
      outcome: 'ALLOWED',
      reasons: [],
      zones: ['America/New_York'],
      states: ['NY'],
      ruleSetVersion: '2026.11.0',
    });
  });

  it('reads the input from stdin with -', async () => {
    const t = fakeIo(JSON.stringify({ ...INPUT, request: { ...INPUT.request, at: '2026-03-11T02:00:00Z' } }));
    const code = await evaluateCommand({ file: '-', compact: true }, t.io);
    expect(code).toBe(0);
    expect(t.out().trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(t.out())).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-03-11T12:00:00Z' });
  });

  it('exits 0 for a blocked call too: a decision was made', async () => {
    const t = fakeIo();
    expect(await evaluateCommand({ file: file('bad-phone.json') }, t.io)).toBe(0);
    expect(JSON.parse(t.out())).toMatchObject({ outcome: 'BLOCKED_INVALID_NUMBER' });
  });

  it('refuses text that is not JSON with exit 2 and no stack trace', async () => {
    const t = fakeIo();
    expect(await evaluateCommand({ file: file('broken.json') }, t.io)).toBe(2);
    expect(t.err()).toMatch(/broken\.json: not valid JSON/);
    expect(t.err()).not.toMatch(/\n\s+at /);
    expect(t.out()).toBe('');
  });

  it("names every field that is not the contract's shape, exit 2", async () => {
    const t = fakeIo();
    expect(await evaluateCommand({ file: file('wrong-shape.json') }, t.io)).toBe(2);
    expect(t.err()).toMatch(/not a valid compliance input \(2 problems\)/);
    expect(t.err()).toMatch(/^ {2}request\.at: /m);
    expect(t.err()).toMatch(/^ {2}request\.mode: /m);
  });

  it('says so for a missing file or an empty stdin, exit 2', async () => {
    const missing = fakeIo();
    expect(await evaluateCommand({ file: file('nope.json') }, missing.io)).toBe(2);
    expect(missing.err()).toMatch(/nope\.json: no such input file/);
    const empty = fakeIo('');
    expect(await evaluateCommand({ file: '-' }, empty.io)).toBe(2);
    expect(empty.err()).toMatch(/stdin: is empty/);
  });

  it('registers `compliance evaluate` on a commander program', async () => {
    const t = fakeIo();
    const sink = { exitCode: -1 };
    const program = new Command('switchboard').exitOverride();
    registerComplianceCommands(program, t.io, sink);
    await program.parseAsync(['compliance', 'evaluate', file('late.json')], { from: 'user' });
    expect(sink.exitCode).toBe(0);
    expect(JSON.parse(t.out())).toMatchObject({ outcome: 'DEFERRED' });

    const bad = fakeIo();
    const badSink = { exitCode: -1 };
    const again = new Command('switchboard').exitOverride();
    registerComplianceCommands(again, bad.io, badSink);
    await again.parseAsync(['compliance', 'evaluate', file('broken.json')], { from: 'user' });
    expect(badSink.exitCode).toBe(2);
  });
});
