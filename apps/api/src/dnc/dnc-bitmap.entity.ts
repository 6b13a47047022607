import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** 10^7 subscriber numbers of one area code: bit `NXX-XXXX` is set when the number is listed. */
export const BITMAP_BYTES = 1_250_000;

/**
 * One area code's list as a dense bitmap (1.25 MB), immutable once written. The column is
 * `STORAGE EXTERNAL` (uncompressed TOAST, see the migration), so `substring(bitmap from n for 1)`
 * reads one TOAST chunk instead of the whole value: a lookup touches a few pages.
 * Snapshots share bitmaps (copy-on-write per area code): a change list writes new bitmaps only
 * for the area codes it touches.
 */
@Entity({ name: 'dnc_bitmaps' })
export class DncBitmapEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'bytea' })
  bitmap!: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** Which bitmap holds area code `npa` in a snapshot. */
@Entity({ name: 'dnc_snapshot_area_codes' })
@Index('idx_dnc_snapshot_area_codes_bitmap', ['bitmapId'])
export class DncSnapshotAreaCodeEntity {
  @PrimaryColumn({ type: 'uuid' })
  snapshotId!: string;

  @PrimaryColumn({ type: 'smallint' })
  npa!: number;

  @Column({ type: 'uuid' })
  bitmapId!: string;

  /** numbers listed in this area code */
  @Column({ type: 'integer' })
  numbers!: number;
}
