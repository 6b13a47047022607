import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function startAgent(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('agent process', () => {
  let run: Run | undefined;
  afterEach(() => {
    if (run?.child.exitCode === null) run.child.kill('SIGKILL');
  });

  it('refuses to start without a valid configuration, saying which variable is wrong', async () => {
    run = startAgent({ API_URL: 'not-a-url' });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('WORKER_TOKEN');
    expect(run.stderr()).toContain('API_URL');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('starts, says what it will do, and stops cleanly on %s', async (signal) => {
    run = startAgent({
      WORKER_TOKEN: 'wt_0123456789abcdef',
      LOG_LEVEL: 'info',
      QUEUE_PREFIX: `sb-test:main-${process.pid}-${signal}`,
    });
    await until(() => run!.stdout().includes('agent worker ready'));
    expect(run.stdout()).toContain(`sb-test:main-${process.pid}-${signal}:calls`);
    expect(run.stdout()).not.toContain('wt_0123456789abcdef');

    run.child.kill(signal);
    expect(await run.exit).toBe(0);
    const lines = run
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; reason?: string });
    expect(lines.at(-2)).toMatchObject({ msg: 'agent worker stopping', reason: signal });
    expect(lines.at(-1)).toMatchObject({ msg: 'agent worker stopped' });
  });
});
