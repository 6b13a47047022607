import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CALLS_DEAD_LETTER_QUEUE_NAME, CALLS_QUEUE_NAME } from '@switchboard/contracts';
import { Queue } from 'bullmq';
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

/** Removes what a worker left under `prefix` (BullMQ's meta keys of both queues). */
async function obliterate(prefix: string): Promise<void> {
  for (const name of [CALLS_QUEUE_NAME, CALLS_DEAD_LETTER_QUEUE_NAME]) {
    const queue = new Queue(name, { connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, prefix });
    await queue.obliterate({ force: true }).finally(() => queue.close());
  }
}

describe('agent process', () => {
  let run: Run | undefined;
  let prefix: string | undefined;
  afterEach(async () => {
    if (run?.child.exitCode === null) run.child.kill('SIGKILL');
    if (prefix) await obliterate(prefix);
    prefix = undefined;
  });

  it('refuses to start without a valid configuration, saying which variable is wrong', async () => {
    run = startAgent({ API_URL: 'not-a-url' });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('WORKER_TOKEN');
    expect(run.stderr()).toContain('API_URL');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('starts, says what it will do, and stops cleanly on %s', async (signal) => {
    prefix = `sb-test:main-${process.pid}-${signal}`;
    run = startAgent({ WORKER_TOKEN: 'wt_0123456789abcdef', LOG_LEVEL: 'info', QUEUE_PREFIX: prefix });
    await until(() => run!.stdout().includes('agent worker ready'));
    expect(run.stdout()).toContain(`sb-test:main-${process.pid}-${signal}:calls`);
    // no LIVEKIT_URL, no OPENAI_API_KEY: the simulated callee and the local understanding
    expect(run.stdout()).toContain('"mode":"simulated"');
    expect(run.stdout()).toContain('"understanding":"local, deterministic"');
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
