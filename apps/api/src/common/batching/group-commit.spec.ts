import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A write that records its batches and waits for `release()` before it answers. */
function recorder(fail?: (items: string[]) => boolean) {
  const batches: string[][] = [];
  const pending: Array<() => void> = [];
  const write = async (items: string[]): Promise<string[]> => {
    batches.push(items);
    await new Promise<void>((resolve) => pending.push(resolve));
    if (fail?.(items)) throw new Error(`refused ${items.join(',')}`);
    return items.map((item) => item.toUpperCase());
  };
  const release = async () => {
    for (let idle = 0; idle < 3;) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = pending.shift();
      if (next) {
        idle = 0;
        next();
      } else idle += 1;
    }
  };
  return { write, batches, release };
}

describe('GroupCommit', () => {
  it('writes a lone item at once, the items that arrive meanwhile together, each answered with its own result', async () => {
    const { write, batches, release } = recorder();
    const commit = new GroupCommit(write);
    const all = Promise.all(['a', 'b', 'c', 'd'].map((item) => commit.run(item)));
    await release();
    expect(await all).toEqual(['A', 'B', 'C', 'D']);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('keeps groups apart and batches at most maxBatch items', async () => {
    const { write, batches, release } = recorder();
    const commit = new GroupCommit(write, { groupOf: (item) => item[0] ?? '', maxBatch: 2 });
    const all = Promise.all(['a1', 'b1', 'a2', 'a3', 'a4', 'b2'].map((item) => commit.run(item)));
    await release();
    expect(await all).toEqual(['A1', 'B1', 'A2', 'A3', 'A4', 'B2']);
    expect(batches).toEqual([['a1'], ['b1'], ['a2', 'a3'], ['b2'], ['a4']]);
  });

  it('retries a failed batch item by item, so that only the refused item fails', async () => {
    const { write, release } = recorder((items) => items.includes('bad'));
    const commit = new GroupCommit(write);
    const all = Promise.allSettled(['first', 'good', 'bad', 'fine'].map((item) => commit.run(item)));
    await release();
    expect((await all).map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });

  it('fails every item of a batch with the error when retryAlone says no', async () => {
    const { write, batches, release } = recorder((items) => items.length > 1);
    const commit = new GroupCommit(write, { retryAlone: () => false });
    const all = Promise.allSettled(['first', 'x', 'y'].map((item) => commit.run(item)));
    await release();
    expect((await all).map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(batches).toEqual([['first'], ['x', 'y']]);
  });
});
