import type {
  AddContactsResult,
  Campaign,
  CampaignContact,
  CampaignContactInput,
  CampaignCounters,
  CampaignDetail,
  CampaignStatus,
  ContactState,
  CreateCampaignBody,
  RETRYABLE_OUTCOMES,
  Weekday,
} from '@switchboard/contracts';

/** The campaigns HTTP contract (libs/contracts/src/campaigns.ts), as the editor's screens use it. */
export { CAMPAIGN_STATUSES, CONTACT_STATES, RETRYABLE_OUTCOMES as RETRY_ON, WEEKDAYS } from '@switchboard/contracts';
export type {
  Campaign,
  CampaignContact,
  CampaignCounters,
  CampaignDetail,
  CampaignStatus,
  ContactState,
  Weekday,
  AddContactsResult as ContactImportResult,
  CampaignContactInput as ContactInput,
};

export type RetryOn = (typeof RETRYABLE_OUTCOMES)[number];

/** What the form sends: the schema's defaults (`retry`'s parts, `variables`) may be left out. */
export type CreateCampaignRequest = Omit<CreateCampaignBody, 'variables' | 'retry'> & {
  variables?: Record<string, unknown>;
  retry?: Partial<CreateCampaignBody['retry'] & object>;
};
