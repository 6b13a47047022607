import { Campaigns1795272000000 } from '../database/migrations/1795272000000-campaigns.js';
import { CampaignContactEntity } from './campaign-contact.entity.js';
import { CampaignMinuteSlotEntity } from './campaign-minute-slot.entity.js';
import { CampaignEntity } from './campaign.entity.js';

/** Entities and migrations of campaigns, their contacts and pacing slots (and the calls' campaign columns). */
export const campaignsEntities: Array<new (...args: never[]) => object> = [
  CampaignEntity,
  CampaignContactEntity,
  CampaignMinuteSlotEntity,
];
export const campaignsMigrations: Array<new (...args: never[]) => object> = [Campaigns1795272000000];
