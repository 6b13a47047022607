import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Page } from '@switchboard/contracts';
import { ActivityService, SYSTEM_ACTOR, actorOf } from '../activity/activity.service.js';
import type { Principal } from '../common/auth/principal.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import { BITMAP_BYTES } from './dnc-bitmap.entity.js';
import { countBits, registryLineAddress, writeBit } from './dnc-numbers.js';
import type { DncImportMode, DncSnapshotEntity, DncSnapshotKind, MalformedLine } from './dnc-snapshot.entity.js';
import { DncError } from './dnc.errors.js';
import { DncImportQueue, type DncImportJob } from './jobs/dnc-import.queue.js';
import {
  type AreaCodeBitmapRef,
  type DncListKey,
  DncRepository,
  type ImportProgressColumns,
  type SnapshotFinished,
} from './dnc.repository.js';
import type {
  DncFreshness,
  DncImportAccepted,
  DncImportStatus,
  DncSnapshotListQuery,
  DncSnapshotSummary,
} from './dnc.schemas.js';

/**
 * A list whose malformed lines exceed this share of its non-empty lines is refused whole. Registry
 * files are machine-written, so more than a stray line of garbage means a truncated download, a
 * wrong file (a CSV export, another format) or a wrong encoding; applying the good part of such a
 * file would silently drop listed numbers — and a missing listed number is a call the law forbids.
 * Refusing keeps the previous snapshot current (it ages and fails closed as stale after 31 days).
 */
export const MALFORMED_LIMIT = 0.01;
export const MALFORMED_SAMPLE = 100;
const PROGRESS_EVERY_LINES = 250_000;
const FRESH_DAYS = 31;
const DAY_MS = 86_400_000;
/** "the latest snapshot, whatever its date" */
const LATEST = new Date('9999-12-31T00:00:00Z');

export interface ImportList {
  kind: DncSnapshotKind;
  /** '' for the national registry */
  state: string;
}

export interface ImportProgress {
  linesRead: number;
  numbersChanged: number;
  malformed: number;
}

const listName = (list: ImportList) => (list.kind === 'national' ? 'national' : list.state);

/**
 * Builds registry snapshots from uploaded area-code files: the upload is streamed to a temp file,
 * a BullMQ job applies it (`runImport`), and the snapshot becomes current only when complete.
 */
@Injectable()
export class DncImportService {
  constructor(
    private readonly repository: DncRepository,
    private readonly queue: DncImportQueue,
    private readonly activity: ActivityService,
  ) {}

  /** Stores the upload (streamed, never held in memory) and queues its import. */
  async startImport(
    principal: Principal,
    list: ImportList,
    query: { mode: DncImportMode; obtainedAt: string },
    contentType: string | undefined,
    upload: Readable,
  ): Promise<DncImportAccepted> {
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== 'text/plain' && type !== 'application/octet-stream')
      throw DncError.mediaType(type || 'no content type');
    const key: DncListKey = { organizationId: principal.organizationId, ...list };
    if (query.mode !== 'full') {
      const base = await this.repository.currentSnapshot(key, LATEST);
      if (!base) throw DncError.noBaseSnapshot(listName(list), query.mode);
      // a change list applies to the latest snapshot, so it cannot be dated before it
      if (new Date(query.obtainedAt) < base.obtainedAt) throw DncError.changeListTooOld(base.obtainedAt.toISOString());
    }
    const dir = join(tmpdir(), 'switchboard-dnc');
    await mkdir(dir, { recursive: true });
    const filePath = join(dir, `${randomUUID()}.txt`);
    try {
      await pipeline(upload, createWriteStream(filePath));
      const { size } = await stat(filePath);
      if (size === 0) throw DncError.emptyUpload();
      const jobId = randomUUID();
      const snapshot = await this.repository.insertSnapshot({
        ...key,
        mode: query.mode,
        baseSnapshotId: null,
        obtainedAt: new Date(query.obtainedAt),
        jobId,
        createdById: principal.id,
      });
      await this.queue.add({ snapshotId: snapshot.id, organizationId: principal.organizationId, filePath }, jobId);
      await this.activity.record({
        organizationId: principal.organizationId,
        actor: actorOf(principal),
        action: 'dnc_snapshot.import_started',
        subjectType: 'dnc_snapshot',
        subjectId: snapshot.id,
        details: { list: listName(list), mode: query.mode, obtainedAt: query.obtainedAt, jobId, bytes: size },
      });
      return { jobId, snapshotId: snapshot.id };
    } catch (error) {
      await rm(filePath, { force: true });
      throw error;
    }
  }

  /** The worker's side: applies the file to a copy of the base snapshot's touched area codes. */
  async runImport(job: DncImportJob, report: (progress: ImportProgress) => Promise<void>): Promise<void> {
    const snapshot = await this.repository.findSnapshot(job.organizationId, job.snapshotId);
    try {
      if (!snapshot || snapshot.status !== 'importing') return;
      await this.build(snapshot, job.filePath, report);
    } catch (error) {
      if (snapshot) {
        const message = error instanceof Error ? error.message : String(error);
        await this.repository.markFailed(snapshot.id, message, undefined, this.logOutcome);
      }
      throw error;
    } finally {
      await rm(job.filePath, { force: true });
    }
  }

  async importStatus(organizationId: string, jobId: string): Promise<DncImportStatus> {
    const snapshot = await this.repository.findSnapshotByJob(organizationId, jobId);
    if (!snapshot) throw DncError.importNotFound(jobId);
    const live = snapshot.status === 'importing' ? await this.queue.progress(jobId) : null;
    return {
      jobId,
      snapshotId: snapshot.id,
      list: listName(snapshot),
      mode: snapshot.mode,
      status: snapshot.status,
      jobState:
        live?.state ??
        (snapshot.status === 'ready' ? 'completed' : snapshot.status === 'failed' ? 'failed' : 'unknown'),
      obtainedAt: snapshot.obtainedAt.toISOString(),
      progress: live?.progress ?? {
        linesRead: snapshot.linesRead,
        numbersChanged: snapshot.numbersChanged,
        malformed: snapshot.malformed,
      },
      malformedLines: snapshot.malformedSample,
      numbers: snapshot.numbers,
      areaCodes: snapshot.areaCodes,
      error: snapshot.error,
      createdAt: snapshot.createdAt.toISOString(),
      completedAt: snapshot.completedAt?.toISOString() ?? null,
    };
  }

  async listSnapshots(organizationId: string, query: DncSnapshotListQuery): Promise<Page<DncSnapshotSummary>> {
    const rows = await this.repository.listSnapshots(organizationId, {
      ...(query.list === undefined ? {} : { list: query.list === 'NATIONAL' ? 'national' : query.list }),
      ...(query.status === undefined ? {} : { status: query.status }),
      limit: query.limit + 1,
      after: decodeCursor(query.cursor),
    });
    return toPage(rows, query.limit, (row) => ({
      id: row.id,
      list: listName(row),
      mode: row.mode,
      status: row.status,
      baseSnapshotId: row.baseSnapshotId,
      jobId: row.jobId,
      obtainedAt: row.obtainedAt.toISOString(),
      numbers: row.numbers,
      areaCodes: row.areaCodes,
      linesRead: row.linesRead,
      malformed: row.malformed,
      error: row.error,
      createdAt: row.createdAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
    }));
  }

  /** The list's current snapshot and whether it is fresh enough to call on (≤ 31 days old). */
  async freshness(organizationId: string, list: ImportList, now: Date = new Date()): Promise<DncFreshness> {
    const snapshot = await this.repository.currentSnapshot({ organizationId, ...list }, now);
    if (!snapshot) throw DncError.noSnapshot(listName(list));
    const refs = await this.repository.areaCodes(snapshot.id);
    const ageDays = Math.floor(((now.getTime() - snapshot.obtainedAt.getTime()) / DAY_MS) * 100) / 100;
    return {
      snapshotId: snapshot.id,
      list: listName(list),
      obtainedAt: snapshot.obtainedAt.toISOString(),
      count: snapshot.numbers,
      areaCodes: refs.length,
      ageDays,
      fresh: now.getTime() - snapshot.obtainedAt.getTime() <= FRESH_DAYS * DAY_MS,
    };
  }

  /**
   * `dnc_snapshot.imported` or `dnc_snapshot.refused` with the counts a reviewer needs, written in
   * the transaction that finishes the snapshot: the log has the entry if and only if the change.
   */
  private readonly logOutcome: SnapshotFinished = async (manager, done) => {
    await this.activity.record(
      {
        organizationId: done.organizationId,
        actor: SYSTEM_ACTOR,
        action: done.status === 'ready' ? 'dnc_snapshot.imported' : 'dnc_snapshot.refused',
        subjectType: 'dnc_snapshot',
        subjectId: done.id,
        details: {
          list: listName(done),
          mode: done.mode,
          obtainedAt: done.obtainedAt.toISOString(),
          baseSnapshotId: done.baseSnapshotId,
          numbers: done.numbers,
          areaCodes: done.areaCodes,
          linesRead: done.linesRead,
          numbersChanged: done.numbersChanged,
          malformed: done.malformed,
          error: done.error,
        },
      },
      manager,
    );
  };

  private async build(
    snapshot: DncSnapshotEntity,
    filePath: string,
    report: (progress: ImportProgress) => Promise<void>,
  ): Promise<void> {
    const key: DncListKey = { organizationId: snapshot.organizationId, kind: snapshot.kind, state: snapshot.state };
    // A change list applies to whatever is current when it runs (imports of one queue run one at a time).
    const base = snapshot.mode === 'full' ? null : await this.repository.currentSnapshot(key, LATEST);
    if (snapshot.mode !== 'full' && !base)
      throw new Error('a change list needs a current snapshot: import a full list first');
    const baseRefs = new Map<number, AreaCodeBitmapRef>(
      base ? (await this.repository.areaCodes(base.id)).map((ref) => [ref.npa, ref]) : [],
    );
    const set = snapshot.mode !== 'deletions';
    const touched = new Map<number, Buffer>();
    const progress: ImportProgressColumns = { linesRead: 0, numbersChanged: 0, malformed: 0, malformedSample: [] };
    const sample: MalformedLine[] = progress.malformedSample;
    let lineNumber = 0;

    const lines = createInterface({ input: createReadStream(filePath), crlfDelay: Infinity });
    for await (const raw of lines) {
      lineNumber++;
      const line = raw.trim();
      if (line === '') continue;
      progress.linesRead++;
      const address = registryLineAddress(line);
      if (!address) {
        progress.malformed++;
        if (sample.length < MALFORMED_SAMPLE) sample.push({ line: lineNumber, text: line.slice(0, 40) });
      } else {
        let bitmap = touched.get(address.npa);
        if (!bitmap) {
          const ref = baseRefs.get(address.npa);
          const loaded = ref ? await this.repository.loadBitmap(ref.bitmapId) : null;
          // copy-on-write: the base's bitmap stays as it is; this snapshot gets its own copy
          bitmap = loaded ? Buffer.from(loaded) : Buffer.alloc(BITMAP_BYTES);
          touched.set(address.npa, bitmap);
        }
        if (writeBit(bitmap, address.index, set)) progress.numbersChanged++;
      }
      if (progress.linesRead % PROGRESS_EVERY_LINES === 0) {
        await report(counters(progress));
        await this.repository.saveProgress(snapshot.id, progress);
      }
    }
    await report(counters(progress));

    if (progress.linesRead > 0 && progress.malformed / progress.linesRead > MALFORMED_LIMIT) {
      const share = ((progress.malformed / progress.linesRead) * 100).toFixed(2);
      await this.repository.markFailed(
        snapshot.id,
        `${progress.malformed} of ${progress.linesRead} lines (${share} %) are not 10-digit numbers; more than ` +
          `${MALFORMED_LIMIT * 100} % means a wrong or damaged file, so the whole snapshot is refused and the previous one stays current`,
        progress,
        this.logOutcome,
      );
      return;
    }
    if (snapshot.mode === 'full' && progress.linesRead === progress.malformed) {
      await this.repository.markFailed(snapshot.id, 'the file holds no numbers', progress, this.logOutcome);
      return;
    }
    const written = [...touched].map(([npa, bitmap]) => ({ npa, bitmap, numbers: countBits(bitmap) }));
    const kept = [...baseRefs.values()].filter((ref) => !touched.has(ref.npa));
    await this.repository.completeSnapshot(
      snapshot.id,
      snapshot.organizationId,
      written,
      kept,
      {
        ...progress,
        baseSnapshotId: base?.id ?? null,
      },
      this.logOutcome,
    );
  }
}

function counters(progress: ImportProgressColumns): ImportProgress {
  return { linesRead: progress.linesRead, numbersChanged: progress.numbersChanged, malformed: progress.malformed };
}
