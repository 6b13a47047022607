import { describe, expect, it } from 'vitest';
import { testCommand, type TestReport } from '../src/commands/flow-test.js';
import { fakeIo, fixture } from './helpers.js';

const lines = (text: string): string[] => text.split('\n');

describe('flow test', () => {
  it('prints ✓ per passing scenario and the summary line, exit 0', async () => {
    const io = fakeIo();
    const file = fixture('reminder.flow.json');

    const code = await testCommand({ files: [file] }, io);

    expect(io.out()).toContain(`✓ ${file} › confirms`);
    expect(io.out()).toContain(`✓ ${file} › presses 9 to opt out`);
    expect(lines(io.out())).toContain('4 passed, 0 failed');
    expect(code).toBe(0);
  });

  it('prints ✗ and what differed for a failing scenario, exit 1', async () => {
    const io = fakeIo();
    const file = fixture('failing.flow.json');

    const code = await testCommand({ files: [file] }, io);

    expect(code).toBe(1);
    const out = lines(io.out());
    const failed = out.indexOf(`✗ ${file} › hangs up but expects confirmed`);
    expect(failed).toBeGreaterThan(-1);
    expect(out[failed + 1]).toMatch(/^ {4}\S/);
    expect(out[failed + 1]).toContain('disposition');
    expect(out[failed + 1]).toContain('callee_hung_up');
    expect(out).toContain('1 passed, 1 failed');
  });

  it('counts an invalid flow and a flow without scenarios as failures', async () => {
    const io = fakeIo();
    const invalid = fixture('invalid.flow.json');
    const empty = fixture('no-scenarios.flow.json');

    const code = await testCommand({ files: [invalid, empty, fixture('reminder.flow.json')] }, io);

    expect(code).toBe(1);
    expect(io.out()).toContain(`✗ ${invalid} › invalid flow`);
    expect(io.out()).toMatch(/^ {4}.+: error \S+ /m);
    expect(io.out()).toContain(`✗ ${empty} › no scenarios`);
    expect(lines(io.out())).toContain('4 passed, 2 failed');
  });

  it('prints a machine-readable report with --json', async () => {
    const io = fakeIo();
    const file = fixture('failing.flow.json');

    const code = await testCommand({ files: [file], json: true }, io);

    expect(code).toBe(1);
    const report = JSON.parse(io.out()) as TestReport;
    expect(report).toMatchObject({ passed: 1, failed: 1, files: [{ file }] });
    const [passing, failing] = report.files[0]?.scenarios ?? [];
    expect(passing).toEqual({ name: 'confirms', passed: true, failures: [] });
    expect(failing).toMatchObject({ name: 'hangs up but expects confirmed', passed: false });
    expect(failing?.failures.join('\n')).toContain('disposition');
    expect(failing?.record?.disposition).toBe('callee_hung_up');
  });

  it('exits 2 when a file cannot be read', async () => {
    const io = fakeIo();

    const code = await testCommand({ files: [fixture('missing.flow.json')] }, io);

    expect(code).toBe(2);
    expect(io.err()).toContain('no such flow file');
    expect(lines(io.out())).toContain('0 passed, 0 failed');
  });
});
