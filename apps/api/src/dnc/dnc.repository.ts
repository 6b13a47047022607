import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { CursorPosition } from '../common/pagination/cursor.js';
import { queryPrepared } from '../database/prepared.js';
import { DncBitmapEntity, DncSnapshotAreaCodeEntity } from './dnc-bitmap.entity.js';
import { type DncSnapshotKind, DncSnapshotEntity, type MalformedLine } from './dnc-snapshot.entity.js';

/** Which list: the national registry (state '') or one state's. */
export interface DncListKey {
  organizationId: string;
  kind: DncSnapshotKind;
  state: string;
}

export interface SnapshotRef {
  id: string;
  obtainedAt: Date;
  numbers: number;
}

export interface BitLookup {
  snapshotId: string;
  obtainedAt: Date;
  /** null when the snapshot has no bitmap for the area code */
  byte: number | null;
}

export interface AreaCodeBitmapRef {
  npa: number;
  bitmapId: string;
  numbers: number;
}

export type NewSnapshot = Pick<
  DncSnapshotEntity,
  'organizationId' | 'kind' | 'state' | 'mode' | 'baseSnapshotId' | 'obtainedAt' | 'jobId' | 'createdById'
>;

/** Runs in the transaction that finishes a snapshot, with its final row (e.g. to log it). */
export type SnapshotFinished = (manager: EntityManager, snapshot: DncSnapshotEntity) => Promise<void>;

export interface ImportProgressColumns {
  linesRead: number;
  numbersChanged: number;
  malformed: number;
  malformedSample: MalformedLine[];
}

/** The only code that touches the DNC tables. */
@Injectable()
export class DncRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertSnapshot(values: NewSnapshot): Promise<DncSnapshotEntity> {
    const repo = this.dataSource.getRepository(DncSnapshotEntity);
    return repo.save(repo.create({ ...values, status: 'importing' }));
  }

  async findSnapshot(organizationId: string, id: string): Promise<DncSnapshotEntity | null> {
    return this.dataSource.getRepository(DncSnapshotEntity).findOneBy({ organizationId, id });
  }

  async findSnapshotByJob(organizationId: string, jobId: string): Promise<DncSnapshotEntity | null> {
    return this.dataSource.getRepository(DncSnapshotEntity).findOneBy({ organizationId, jobId });
  }

  /** An organisation's snapshots, newest first (keyset on created_at, id). */
  async listSnapshots(
    organizationId: string,
    filter: {
      /** 'national' or a state code */ list?: string;
      status?: string;
      limit: number;
      after: CursorPosition | null;
    },
  ): Promise<DncSnapshotEntity[]> {
    const query = this.dataSource
      .getRepository(DncSnapshotEntity)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId', { organizationId });
    if (filter.list === 'national') query.andWhere("s.kind = 'national'");
    else if (filter.list !== undefined) query.andWhere("s.kind = 'state' AND s.state = :state", { state: filter.list });
    if (filter.status !== undefined) query.andWhere('s.status = :status', { status: filter.status });
    if (filter.after) {
      query.andWhere('(s.created_at, s.id) < (:createdAt, :id)', {
        createdAt: filter.after.createdAt,
        id: filter.after.id,
      });
    }
    return query.orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'DESC').limit(filter.limit).getMany();
  }

  /** The current snapshot of a list at `at`: the latest ready one obtained at or before `at`. */
  async currentSnapshot(list: DncListKey, at: Date): Promise<SnapshotRef | null> {
    const rows = await this.dataSource.query<{ id: string; obtained_at: Date; numbers: string }[]>(
      `SELECT id, obtained_at, numbers FROM dnc_snapshots
        WHERE organization_id = $1 AND kind = $2 AND state = $3 AND status = 'ready' AND obtained_at <= $4
        ORDER BY obtained_at DESC, completed_at DESC LIMIT 1`,
      [list.organizationId, list.kind, list.state, at],
    );
    const row = rows[0];
    return row ? { id: row.id, obtainedAt: row.obtained_at, numbers: Number(row.numbers) } : null;
  }

  /**
   * The current snapshot at `at` and the one byte of the area code's bitmap that holds the
   * subscriber number's bit, in one round trip. `substring` on an uncompressed (EXTERNAL) bytea
   * fetches only the TOAST chunk that holds the byte.
   */
  async lookupByte(list: DncListKey, at: Date, npa: number, byteIndex: number): Promise<BitLookup | null> {
    // prepared: every single gate decision runs it, and planning it cost more than running it
    const { rows } = await queryPrepared<{ id: string; obtained_at: Date; byte: number | null }>(
      this.dataSource,
      `WITH s AS (
         SELECT id, obtained_at FROM dnc_snapshots
          WHERE organization_id = $1 AND kind = $2 AND state = $3 AND status = 'ready' AND obtained_at <= $4
          ORDER BY obtained_at DESC, completed_at DESC LIMIT 1)
       SELECT s.id, s.obtained_at, get_byte(substring(b.bitmap FROM $6::int + 1 FOR 1), 0) AS byte
         FROM s
         LEFT JOIN dnc_snapshot_area_codes m ON m.snapshot_id = s.id AND m.npa = $5
         LEFT JOIN dnc_bitmaps b ON b.id = m.bitmap_id`,
      [list.organizationId, list.kind, list.state, at, npa, byteIndex],
    );
    const row = rows[0];
    return row ? { snapshotId: row.id, obtainedAt: row.obtained_at, byte: row.byte } : null;
  }

  async areaCodes(snapshotId: string): Promise<AreaCodeBitmapRef[]> {
    const rows = await this.dataSource.query<{ npa: number; bitmap_id: string; numbers: number }[]>(
      `SELECT npa, bitmap_id, numbers FROM dnc_snapshot_area_codes WHERE snapshot_id = $1 ORDER BY npa`,
      [snapshotId],
    );
    return rows.map((row) => ({ npa: row.npa, bitmapId: row.bitmap_id, numbers: row.numbers }));
  }

  /**
   * Single bytes of many bitmaps in one round trip (`bytes[i]` of `bitmapIds[i]`), in the given
   * order: each read fetches one TOAST chunk, like `lookupByte`. A missing bitmap reads as null.
   */
  async readBytes(bitmapIds: string[], byteIndexes: number[]): Promise<(number | null)[]> {
    if (bitmapIds.length === 0) return [];
    const rows = await this.dataSource.query<{ i: string; byte: number | null }[]>(
      `SELECT r.i, get_byte(substring(b.bitmap FROM r.byte + 1 FOR 1), 0) AS byte
         FROM unnest($1::uuid[], $2::int[]) WITH ORDINALITY AS r(bitmap_id, byte, i)
         LEFT JOIN dnc_bitmaps b ON b.id = r.bitmap_id`,
      [bitmapIds, byteIndexes],
    );
    const bytes: (number | null)[] = new Array<number | null>(bitmapIds.length).fill(null);
    for (const row of rows) bytes[Number(row.i) - 1] = row.byte;
    return bytes;
  }

  async loadBitmap(bitmapId: string): Promise<Buffer | null> {
    const rows = await this.dataSource.query<{ bitmap: Buffer }[]>(`SELECT bitmap FROM dnc_bitmaps WHERE id = $1`, [
      bitmapId,
    ]);
    return rows[0]?.bitmap ?? null;
  }

  async saveProgress(snapshotId: string, progress: ImportProgressColumns): Promise<void> {
    await this.dataSource.getRepository(DncSnapshotEntity).update({ id: snapshotId }, progress);
  }

  async markFailed(
    snapshotId: string,
    error: string,
    progress?: ImportProgressColumns,
    finished?: SnapshotFinished,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.update(
        DncSnapshotEntity,
        { id: snapshotId, status: 'importing' },
        { ...progress, status: 'failed', error, completedAt: new Date() },
      );
      if (result.affected === 1 && finished) {
        await finished(manager, await manager.findOneByOrFail(DncSnapshotEntity, { id: snapshotId }));
      }
    });
  }

  /**
   * Writes the new bitmaps, the snapshot's area-code map (the unchanged area codes of the base
   * snapshot point at the base's bitmaps: nothing is copied) and flips the snapshot to `ready`,
   * all in one transaction: readers see the whole new snapshot or none of it.
   */
  async completeSnapshot(
    snapshotId: string,
    organizationId: string,
    written: { npa: number; bitmap: Buffer; numbers: number }[],
    kept: AreaCodeBitmapRef[],
    progress: ImportProgressColumns & { baseSnapshotId: string | null },
    finished?: SnapshotFinished,
  ): Promise<{ numbers: number; areaCodes: number }> {
    return this.dataSource.transaction(async (manager) => {
      if (progress.baseSnapshotId !== null) {
        // Change lists of one list are applied one after the other, even across API processes: a
        // change list built on a snapshot that is no longer the latest would drop the other's changes.
        const snapshot = await manager.findOneByOrFail(DncSnapshotEntity, { id: snapshotId });
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
          `dnc:${snapshot.organizationId}:${snapshot.kind}:${snapshot.state}`,
        ]);
        const latest = await manager.query<{ id: string }[]>(
          `SELECT id FROM dnc_snapshots WHERE organization_id = $1 AND kind = $2 AND state = $3 AND status = 'ready'
            ORDER BY obtained_at DESC, completed_at DESC LIMIT 1`,
          [snapshot.organizationId, snapshot.kind, snapshot.state],
        );
        if (latest[0]?.id !== progress.baseSnapshotId) {
          throw new Error('another import of this list completed while this change list was applied: upload it again');
        }
      }
      const entries: DncSnapshotAreaCodeEntity[] = kept.map((ref) =>
        manager.create(DncSnapshotAreaCodeEntity, {
          snapshotId,
          npa: ref.npa,
          bitmapId: ref.bitmapId,
          numbers: ref.numbers,
        }),
      );
      for (const item of written) {
        if (item.numbers === 0) continue;
        const saved = await manager.save(manager.create(DncBitmapEntity, { organizationId, bitmap: item.bitmap }));
        entries.push(
          manager.create(DncSnapshotAreaCodeEntity, {
            snapshotId,
            npa: item.npa,
            bitmapId: saved.id,
            numbers: item.numbers,
          }),
        );
      }
      if (entries.length > 0) await manager.insert(DncSnapshotAreaCodeEntity, entries);
      const numbers = entries.reduce((sum, entry) => sum + entry.numbers, 0);
      const result = await manager.update(
        DncSnapshotEntity,
        { id: snapshotId, status: 'importing' },
        { ...progress, status: 'ready', numbers, areaCodes: entries.length, completedAt: new Date() },
      );
      if (result.affected !== 1) throw new Error(`snapshot ${snapshotId} is no longer importing`);
      if (finished) await finished(manager, await manager.findOneByOrFail(DncSnapshotEntity, { id: snapshotId }));
      return { numbers, areaCodes: entries.length };
    });
  }

  /** Size on disk of the DNC tables (with TOAST and indexes), for the bench. */
  async sizeOnDisk(): Promise<number> {
    const rows = await this.dataSource.query<{ bytes: string }[]>(
      `SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class c
        WHERE c.relname IN ('dnc_snapshots', 'dnc_bitmaps', 'dnc_snapshot_area_codes')`,
    );
    return Number(rows[0]?.bytes ?? 0);
  }
}
