/**
 * Group commit: one write for the items of concurrent requests. While a write of a group is in
 * flight, the items that arrive for the same group wait, then go together in the next write, in
 * the order they came; an item that arrives while none is in flight is written at once (a lone
 * request waits for nobody). Each caller is answered with its own item's result once its write
 * finished.
 *
 * A write of several items that fails is retried one item at a time when `retryAlone(error)`
 * says so (an item the database refuses then fails alone); otherwise every item of the write
 * fails with the error.
 */
export interface GroupCommitOptions<T> {
  /** items of different groups never share a write (default: one group) */
  groupOf?: (item: T) => string;
  /** the most items one write takes (the rest wait for the next) */
  maxBatch?: number;
  /** whether a failed write of several items is retried item by item (default: always) */
  retryAlone?: (error: unknown) => boolean;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T, R> {
  private readonly waiting = new Map<string, Waiting<T, R>[]>();
  private readonly writing = new Set<string>();
  private readonly groupOf: (item: T) => string;
  private readonly maxBatch: number;
  private readonly retryAlone: (error: unknown) => boolean;

  /** `write(items)` answers one result per item, in their order. */
  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    options: GroupCommitOptions<T> = {},
  ) {
    this.groupOf = options.groupOf ?? (() => '');
    this.maxBatch = options.maxBatch ?? 500;
    this.retryAlone = options.retryAlone ?? (() => true);
  }

  run(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const group = this.groupOf(item);
      const queue = this.waiting.get(group);
      if (queue) queue.push({ item, resolve, reject });
      else this.waiting.set(group, [{ item, resolve, reject }]);
      if (!this.writing.has(group)) void this.drain(group);
    });
  }

  private async drain(group: string): Promise<void> {
    this.writing.add(group);
    try {
      for (;;) {
        const queue = this.waiting.get(group);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, this.maxBatch);
        if (queue.length === 0) this.waiting.delete(group);
        await this.commit(batch);
      }
    } finally {
      this.writing.delete(group);
    }
  }

  private async commit(batch: Waiting<T, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.write(batch.map((waiting) => waiting.item));
    } catch (error) {
      if (batch.length > 1 && this.retryAlone(error)) {
        for (const waiting of batch) await this.commit([waiting]);
      } else {
        for (const waiting of batch) waiting.reject(error);
      }
      return;
    }
    if (results.length !== batch.length) {
      const error = new Error(`group commit: ${results.length} results for ${batch.length} items`);
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, i) => waiting.resolve(results[i] as R));
  }
}
