import type { DataSource } from 'typeorm';

/** Keys of the session advisory locks of the calls' background loops (one holder per database). */
export const ADVISORY_LOCKS = {
  leaseSweeper: 0x5342_0001,
  queueReconciler: 0x5342_0002,
} as const;

/**
 * Runs `work` if this process gets the advisory lock `key` (pg_try_advisory_lock: never waits),
 * so one API replica at a time runs a loop. A session lock belongs to one connection: it is taken
 * and released on a dedicated query runner, which goes back to the pool only after the unlock (a
 * broken connection is dropped by the pool, and the server frees its locks). `{ ran: false }` when
 * another holder has it.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  key: number,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const rows = (await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key])) as Array<{
      locked: boolean;
    }>;
    if (rows[0]?.locked !== true) return { ran: false };
    try {
      return { ran: true, value: await work() };
    } finally {
      // never hand a connection still holding a loop's lock back to the pool
      await runner
        .query('SELECT pg_advisory_unlock($1::bigint)', [key])
        .catch(() => runner.query('SELECT pg_advisory_unlock_all()'))
        .catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}
