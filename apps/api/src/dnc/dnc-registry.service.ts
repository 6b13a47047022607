import { Injectable } from '@nestjs/common';
import { parsePhone } from '@switchboard/compliance';
import { DncBitmapCache } from './dnc-bitmap-cache.js';
import { e164Address, testBit } from './dnc-numbers.js';
import { type DncListKey, DncRepository } from './dnc.repository.js';

/** What the compliance gate needs about one number on one list at one instant. */
export interface DncListStatus {
  snapshotId: string;
  /** ISO 8601 */
  obtainedAt: string;
  listed: boolean;
}

/** The registry as seen by one organisation, with the signature the gate was written against. */
export interface OrganizationDncRegistry {
  nationalStatus(phone: string, at: Date): Promise<DncListStatus | null>;
  stateStatus(state: string, phone: string, at: Date): Promise<DncListStatus | null>;
  scrub(phones: string[], at?: Date): Promise<string[]>;
  statusMany(list: DncListRef, phonesE164: string[], at: Date): Promise<(DncListStatus | null)[]>;
}

/** Which list a bulk lookup reads: the national registry or one state's. */
export type DncListRef = { kind: 'national' } | { kind: 'state'; state: string };

/**
 * An area code with at least this many numbers in a bulk lookup is read as a whole bitmap (then
 * kept in the LRU); fewer are read byte by byte in one query, so a batch spread over hundreds of
 * area codes neither loads hundreds of 1.25 MB bitmaps nor evicts the hot ones.
 */
const WHOLE_BITMAP_FROM = 64;

/** The states that keep their own Do-Not-Call list (COMPLIANCE.md). */
export const DNC_LIST_STATES = ['CO', 'FL', 'IN', 'LA', 'MA', 'MO', 'MS', 'OK', 'PA', 'TN', 'TX', 'WY'] as const;
export type DncListState = (typeof DNC_LIST_STATES)[number];

export function isDncListState(state: string): state is DncListState {
  return (DNC_LIST_STATES as readonly string[]).includes(state);
}

/**
 * Answers "is this number on the national / a state Do-Not-Call list, per the snapshot that was
 * current at `at`?" for the compliance gate, and scrubs lists for campaigns.
 *
 * Snapshots belong to an organisation (the registry is licensed per seller), so every lookup
 * names one: pass `organizationId`, or take `forOrganization(id)`, whose methods have the
 * gate's two/three-argument signature. Without an organisation there is no snapshot: `null`,
 * which the evaluator treats as stale data (fail closed).
 *
 * `null` = no ready snapshot obtained at or before `at`. A number that cannot be read as a NANP
 * number is reported as not listed (the evaluator blocks it at C01 anyway).
 */
@Injectable()
export class DncRegistryService {
  constructor(
    private readonly repository: DncRepository,
    private readonly cache: DncBitmapCache,
  ) {}

  forOrganization(organizationId: string): OrganizationDncRegistry {
    return {
      nationalStatus: (phone, at) => this.nationalStatus(phone, at, organizationId),
      stateStatus: (state, phone, at) => this.stateStatus(state, phone, at, organizationId),
      scrub: (phones, at) => this.scrub(phones, at, organizationId),
      statusMany: (list, phones, at) => this.statusMany(list, phones, at, organizationId),
    };
  }

  async nationalStatus(phone: string, at: Date, organizationId?: string): Promise<DncListStatus | null> {
    if (organizationId === undefined) return null;
    return this.status({ organizationId, kind: 'national', state: '' }, phone, at);
  }

  async stateStatus(state: string, phone: string, at: Date, organizationId?: string): Promise<DncListStatus | null> {
    const code = state.trim().toUpperCase();
    if (organizationId === undefined || !isDncListState(code)) return null;
    return this.status({ organizationId, kind: 'state', state: code }, phone, at);
  }

  /**
   * The numbers of `phones` on the national registry at `at` (default: now), in their given form
   * and order. Vectorised: numbers are grouped by area code and each area code's bitmap is read
   * once (kept in the LRU), so a list costs one bitmap fetch per area code, not one query per
   * number. With no snapshot nothing can be shown to be listed, which is why the gate checks
   * freshness itself; `scrub` is a campaign pre-filter, never the dial-time decision.
   */
  async scrub(phones: string[], at: Date = new Date(), organizationId?: string): Promise<string[]> {
    if (organizationId === undefined || phones.length === 0) return [];
    const snapshot = await this.repository.currentSnapshot({ organizationId, kind: 'national', state: '' }, at);
    if (!snapshot) return [];
    const byNpa = new Map<number, number[]>();
    const indexes = new Int32Array(phones.length);
    phones.forEach((phone, position) => {
      const address = fastAddress(phone);
      if (!address) return;
      indexes[position] = address.index;
      const group = byNpa.get(address.npa);
      if (group) group.push(position);
      else byNpa.set(address.npa, [position]);
    });
    const areaCodes = new Map((await this.repository.areaCodes(snapshot.id)).map((ref) => [ref.npa, ref.bitmapId]));
    const listed: number[] = [];
    for (const [npa, positions] of byNpa) {
      const bitmapId = areaCodes.get(npa);
      if (bitmapId === undefined) continue;
      const bitmap = await this.bitmap(bitmapId);
      if (!bitmap) continue;
      for (const position of positions) if (testBit(bitmap, indexes[position] ?? 0)) listed.push(position);
    }
    listed.sort((a, b) => a - b);
    return listed.map((position) => phones[position] ?? '');
  }

  /**
   * `nationalStatus` / `stateStatus` for many numbers at one instant, in their order: the same
   * answers (the snapshot current at `at`, listed or not), with one snapshot query and, per area
   * code, either the bitmap (the scrub path: big groups, or already in the LRU) or one batched
   * byte read for all the small groups. The numbers must be E.164 as `parsePhone` returns them
   * (the gate's); anything else is "not listed" under the snapshot, like `status`.
   */
  async statusMany(
    list: DncListRef,
    phonesE164: string[],
    at: Date,
    organizationId?: string,
  ): Promise<(DncListStatus | null)[]> {
    const none = () => phonesE164.map((): DncListStatus | null => null);
    if (organizationId === undefined || phonesE164.length === 0) return none();
    let key: DncListKey;
    if (list.kind === 'national') key = { organizationId, kind: 'national', state: '' };
    else {
      const code = list.state.trim().toUpperCase();
      if (!isDncListState(code)) return none();
      key = { organizationId, kind: 'state', state: code };
    }
    const snapshot = await this.repository.currentSnapshot(key, at);
    if (!snapshot) return none();
    const listed = new Uint8Array(phonesE164.length);
    const byNpa = new Map<number, number[]>();
    const indexes = new Int32Array(phonesE164.length);
    phonesE164.forEach((phone, position) => {
      const address = e164Address(phone);
      if (!address) return;
      indexes[position] = address.index;
      const group = byNpa.get(address.npa);
      if (group) group.push(position);
      else byNpa.set(address.npa, [position]);
    });
    const areaCodes = new Map((await this.repository.areaCodes(snapshot.id)).map((ref) => [ref.npa, ref.bitmapId]));
    const byteBitmaps: string[] = [];
    const byteIndexes: number[] = [];
    const bytePositions: number[] = [];
    for (const [npa, positions] of byNpa) {
      const bitmapId = areaCodes.get(npa);
      if (bitmapId === undefined) continue;
      const cached = this.cache.get(bitmapId);
      const bitmap = cached ?? (positions.length >= WHOLE_BITMAP_FROM ? await this.bitmap(bitmapId) : null);
      if (bitmap) {
        for (const position of positions) if (testBit(bitmap, indexes[position] ?? 0)) listed[position] = 1;
        continue;
      }
      for (const position of positions) {
        byteBitmaps.push(bitmapId);
        byteIndexes.push((indexes[position] ?? 0) >>> 3);
        bytePositions.push(position);
      }
    }
    const bytes = await this.repository.readBytes(byteBitmaps, byteIndexes);
    bytes.forEach((byte, i) => {
      const position = bytePositions[i] ?? 0;
      if (byte !== null && (byte & (1 << ((indexes[position] ?? 0) & 7))) !== 0) listed[position] = 1;
    });
    const obtainedAt = snapshot.obtainedAt.toISOString();
    return phonesE164.map((_, position) => ({ snapshotId: snapshot.id, obtainedAt, listed: listed[position] === 1 }));
  }

  private async status(list: DncListKey, phone: string, at: Date): Promise<DncListStatus | null> {
    const parsed = parsePhone(phone);
    const address = parsed.ok ? e164Address(parsed.e164) : null;
    if (!address) {
      const snapshot = await this.repository.currentSnapshot(list, at);
      return snapshot
        ? { snapshotId: snapshot.id, obtainedAt: snapshot.obtainedAt.toISOString(), listed: false }
        : null;
    }
    const found = await this.repository.lookupByte(list, at, address.npa, address.index >>> 3);
    if (!found) return null;
    const listed = found.byte !== null && (found.byte & (1 << (address.index & 7))) !== 0;
    return { snapshotId: found.snapshotId, obtainedAt: found.obtainedAt.toISOString(), listed };
  }

  private async bitmap(bitmapId: string): Promise<Buffer | null> {
    const cached = this.cache.get(bitmapId);
    if (cached) return cached;
    const loaded = await this.repository.loadBitmap(bitmapId);
    if (loaded) this.cache.set(bitmapId, loaded);
    return loaded;
  }
}

/**
 * The common spellings of a US number without libphonenumber (1 M numbers in well under a
 * second): digits only, an optional leading 1. Anything else goes through `parsePhone`.
 */
function fastAddress(phone: string): { npa: number; index: number } | null {
  const digits = phone.replace(/[\s().+-]/g, '');
  if (/^1?\d{10}$/.test(digits)) return e164Address(`+1${digits.slice(-10)}`);
  const parsed = parsePhone(phone);
  return parsed.ok ? e164Address(parsed.e164) : null;
}
