import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How many dials of a campaign are planned in one minute (pacing: at most `perMinute`). */
@Entity({ name: 'campaign_minute_slots' })
export class CampaignMinuteSlotEntity {
  @PrimaryColumn({ type: 'uuid' })
  campaignId!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  minute!: Date;

  @Column({ type: 'integer' })
  used!: number;
}
