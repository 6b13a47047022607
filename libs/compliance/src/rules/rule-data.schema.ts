import { z } from 'zod';
import { PurposeSchema } from '../schema/compliance-input.schema.js';

/**
 * Shapes of the versioned data files in libs/compliance/data. They are checked when the
 * rule set is built, so a bad edit fails at start-up and in CI, never mid-evaluation.
 */

const Comment = z.string().optional();
const State = z.string().regex(/^[A-Z]{2,4}$/, 'must be an upper-case state or territory code');
const ClockWindow = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be "HH:MM-HH:MM"')
  .nullable();

export const RuleSetFileSchema = z.strictObject({
  _comment: Comment,
  ruleSetVersion: z.string().regex(/^\d{4}\.\d+\.\d+$/, 'must look like 2026.11.0'),
  numberPattern: z.string(),
  dncSnapshotMaxAgeHours: z.number().positive(),
  ebr: z.strictObject({ purchaseMonths: z.number().int().positive(), inquiryMonths: z.number().int().positive() }),
  scheduleSearchDays: z.number().int().positive(),
  addressStateAliases: z.record(z.string(), State),
});

export const WindowRuleFileSchema = z.strictObject({
  weekdays: ClockWindow,
  saturday: ClockWindow,
  sunday: ClockWindow,
  holidays: z.enum(['REGULAR', 'CLOSED']),
  clocks: z
    .array(z.enum(['LOCAL', 'STANDARD']))
    .min(1)
    .optional(),
});

export const CallingWindowsFileSchema = z.strictObject({
  _comment: Comment,
  federal: WindowRuleFileSchema.extend({ appliesTo: z.array(PurposeSchema) }),
  states: z.record(State, WindowRuleFileSchema),
  statesApplyTo: z.array(PurposeSchema),
});

export const FrequencyCapsFileSchema = z.strictObject({
  _comment: Comment,
  appliesTo: z.array(PurposeSchema),
  states: z.record(
    State,
    z.strictObject({
      maxAttempts: z.number().int().positive(),
      windowHours: z.number().positive(),
      scope: z.enum(['SELLER', 'SELLER_AND_SUBJECT']),
      exemptWithEbrPurchaseMonths: z.number().int().positive().optional(),
    }),
  ),
});

export const StateDncListsFileSchema = z.strictObject({
  _comment: Comment,
  states: z.array(State),
  maxAgeHours: z.number().positive(),
});

export const StateRestrictionsFileSchema = z.strictObject({
  _comment: Comment,
  emergencySolicitationBan: z.array(State),
  artificialVoiceRequiresEbr: z.array(State),
});

export const HolidaysFileSchema = z.strictObject({
  _comment: Comment,
  years: z.strictObject({ from: z.number().int(), to: z.number().int() }),
  states: z.record(State, z.record(z.iso.date(), z.string())),
});

const NpaEntrySchema = z.strictObject({
  nanpaTimeZone: z.string(),
  overlayComplex: z.string(),
  state: State,
  zones: z.array(z.string().min(1)).min(1),
});

export const NpaTableFileSchema = z.strictObject({
  source: z.string(),
  mappingRules: z.string(),
  npas: z.record(z.string().regex(/^[2-9]\d{2}$/), NpaEntrySchema),
  assignedNotInService: z.record(
    z.string().regex(/^[2-9]\d{2}$/),
    z.strictObject({
      nanpaTimeZone: z.string(),
      overlayComplex: z.string(),
      plannedInServiceDate: z.string(),
      state: State,
    }),
  ),
});

export interface RuleSetFiles {
  ruleSet: unknown;
  callingWindows: unknown;
  frequencyCaps: unknown;
  stateDncLists: unknown;
  stateRestrictions: unknown;
  holidays: unknown;
  npaTable: unknown;
}
