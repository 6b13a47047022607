import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../../../bin/switchboard.js', import.meta.url));

/** The real executable, from the TypeScript sources: proves `npx switchboard` needs no build. */
function switchboard(...args: string[]) {
  const { status, stdout, stderr } = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DEBUG: '' },
    timeout: 30_000,
  });
  return { status, stdout, stderr };
}

describe('bin/switchboard.js', () => {
  it('validates a flow without a build step', () => {
    const result = switchboard('flow', 'validate', fixture('reminder.flow.json'));

    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('reminder.flow.json: ok');
    expect(result.status).toBe(0);
  });

  it('exits 2 with a usage message, not a stack trace, on wrong arguments', () => {
    const result = switchboard('flow', 'validate', '--nope');

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option '--nope'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
