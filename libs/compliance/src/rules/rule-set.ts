import callingWindowsJson from '../../data/calling-windows.json' with { type: 'json' };
import frequencyCapsJson from '../../data/frequency-caps.json' with { type: 'json' };
import holidaysJson from '../../data/holidays.json' with { type: 'json' };
import npaTableJson from '../../data/npa_timezones_us.json' with { type: 'json' };
import ruleSetJson from '../../data/rule-set.json' with { type: 'json' };
import stateDncListsJson from '../../data/state-dnc-lists.json' with { type: 'json' };
import stateRestrictionsJson from '../../data/state-restrictions.json' with { type: 'json' };
import type { z } from 'zod';
import type { Purpose } from '../schema/compliance-input.schema.js';
import { isKnownTimeZone } from '../time/zone-clock.js';
import {
  CallingWindowsFileSchema,
  FrequencyCapsFileSchema,
  HolidaysFileSchema,
  NpaTableFileSchema,
  RuleSetFileSchema,
  StateDncListsFileSchema,
  StateRestrictionsFileSchema,
  type WindowRuleFileSchema,
  type RuleSetFiles,
} from './rule-data.schema.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Which clock a window is read on: the zone's wall clock, or its standard time all year. */
export type Clock = 'LOCAL' | 'STANDARD';

/** A half-open window [start, end) in minutes after local midnight. */
export interface DayWindow {
  start: number;
  end: number;
}

export interface WindowRule {
  /** `federal` or the state's code */
  id: string;
  /** index 0 = Sunday … 6 = Saturday; null = no calls that day */
  days: readonly (DayWindow | null)[];
  /** no calls on the state's holidays */
  holidaysClosed: boolean;
  clocks: readonly Clock[];
}

export interface CapRule {
  state: string;
  maxAttempts: number;
  windowMs: number;
  scope: 'SELLER' | 'SELLER_AND_SUBJECT';
  exemptWithEbrPurchaseMonths?: number;
}

export interface AreaCode {
  npa: string;
  state: string;
  zones: readonly string[];
}

export interface PlannedAreaCode {
  npa: string;
  state: string;
  plannedInServiceDate: string;
}

/** The compiled rule set: every table of COMPLIANCE.md, read from data/ and checked. */
export interface RuleSet {
  version: string;
  numberPattern: RegExp;
  nationalDncMaxAgeMs: number;
  ebr: { purchaseMonths: number; inquiryMonths: number };
  scheduleSearchMs: number;
  addressStateAliases: ReadonlyMap<string, string>;
  areaCodes: ReadonlyMap<string, AreaCode>;
  plannedAreaCodes: ReadonlyMap<string, PlannedAreaCode>;
  /** every zone of a state's in-service area codes: an address's zones when its ZIP is not resolved */
  zonesByState: ReadonlyMap<string, readonly string[]>;
  npaSource: string;
  federalWindow: WindowRule;
  federalWindowAppliesTo: ReadonlySet<Purpose>;
  stateWindows: ReadonlyMap<string, WindowRule>;
  stateWindowsApplyTo: ReadonlySet<Purpose>;
  caps: ReadonlyMap<string, CapRule>;
  capsApplyTo: ReadonlySet<Purpose>;
  stateDncStates: ReadonlySet<string>;
  stateDncMaxAgeMs: number;
  emergencyBanStates: ReadonlySet<string>;
  artificialVoiceRequiresEbr: ReadonlySet<string>;
  holidays: HolidayCalendar;
}

export interface HolidayCalendar {
  /** first and last year the built-in calendars cover */
  from: number;
  to: number;
  byState: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** Checks the data files and compiles them; throws on a bad file (a build-time error, not an input error). */
export function buildRuleSet(files: RuleSetFiles): RuleSet {
  const base = RuleSetFileSchema.parse(files.ruleSet);
  const windows = CallingWindowsFileSchema.parse(files.callingWindows);
  const caps = FrequencyCapsFileSchema.parse(files.frequencyCaps);
  const stateDnc = StateDncListsFileSchema.parse(files.stateDncLists);
  const restrictions = StateRestrictionsFileSchema.parse(files.stateRestrictions);
  const holidays = HolidaysFileSchema.parse(files.holidays);
  const npa = NpaTableFileSchema.parse(files.npaTable);

  const areaCodes = new Map<string, AreaCode>();
  const zonesByState = new Map<string, string[]>();
  for (const code of Object.keys(npa.npas).sort()) {
    const entry = npa.npas[code];
    if (entry === undefined) continue;
    for (const zone of entry.zones) {
      if (!isKnownTimeZone(zone)) throw new Error(`npa_timezones_us.json: ${code} has an unknown time zone ${zone}`);
    }
    areaCodes.set(code, { npa: code, state: entry.state, zones: entry.zones });
    const stateZones = zonesByState.get(entry.state) ?? [];
    for (const zone of entry.zones) if (!stateZones.includes(zone)) stateZones.push(zone);
    zonesByState.set(entry.state, stateZones);
  }
  const plannedAreaCodes = new Map(
    Object.entries(npa.assignedNotInService).map(([code, entry]) => [
      code,
      { npa: code, state: entry.state, plannedInServiceDate: entry.plannedInServiceDate },
    ]),
  );

  const stateWindows = new Map(
    Object.entries(windows.states).map(([state, rule]) => [state, compileWindow(state, rule)]),
  );
  const byState = new Map(
    Object.entries(holidays.states).map(([state, dates]) => [state, new Map(Object.entries(dates))] as const),
  );
  for (const rule of stateWindows.values()) {
    if (rule.holidaysClosed && !byState.has(rule.id)) {
      throw new Error(`calling-windows.json: ${rule.id} closes on holidays but holidays.json has no calendar for it`);
    }
  }

  return {
    version: base.ruleSetVersion,
    numberPattern: new RegExp(base.numberPattern),
    nationalDncMaxAgeMs: base.dncSnapshotMaxAgeHours * HOUR_MS,
    ebr: base.ebr,
    scheduleSearchMs: base.scheduleSearchDays * DAY_MS,
    addressStateAliases: new Map(Object.entries(base.addressStateAliases)),
    areaCodes,
    plannedAreaCodes,
    zonesByState,
    npaSource: npa.source,
    federalWindow: compileWindow('federal', windows.federal),
    federalWindowAppliesTo: new Set(windows.federal.appliesTo),
    stateWindows,
    stateWindowsApplyTo: new Set(windows.statesApplyTo),
    caps: new Map(
      Object.entries(caps.states).map(([state, cap]) => [
        state,
        {
          state,
          maxAttempts: cap.maxAttempts,
          windowMs: cap.windowHours * HOUR_MS,
          scope: cap.scope,
          ...(cap.exemptWithEbrPurchaseMonths === undefined
            ? {}
            : { exemptWithEbrPurchaseMonths: cap.exemptWithEbrPurchaseMonths }),
        },
      ]),
    ),
    capsApplyTo: new Set(caps.appliesTo),
    stateDncStates: new Set(stateDnc.states),
    stateDncMaxAgeMs: stateDnc.maxAgeHours * HOUR_MS,
    emergencyBanStates: new Set(restrictions.emergencySolicitationBan),
    artificialVoiceRequiresEbr: new Set(restrictions.artificialVoiceRequiresEbr),
    holidays: { from: holidays.years.from, to: holidays.years.to, byState },
  };
}

function compileWindow(id: string, rule: z.infer<typeof WindowRuleFileSchema>): WindowRule {
  const weekday = parseWindow(rule.weekdays, id);
  return {
    id,
    days: [parseWindow(rule.sunday, id), weekday, weekday, weekday, weekday, weekday, parseWindow(rule.saturday, id)],
    holidaysClosed: rule.holidays === 'CLOSED',
    clocks: rule.clocks ?? ['LOCAL'],
  };
}

function parseWindow(text: string | null, id: string): DayWindow | null {
  if (text === null) return null;
  const [start = '', end = ''] = text.split('-');
  const window = { start: minutes(start), end: minutes(end) };
  if (window.end <= window.start) throw new Error(`calling-windows.json: ${id} has an empty window ${text}`);
  return window;
}

function minutes(hhmm: string): number {
  const [hours = 0, mins = 0] = hhmm.split(':').map(Number);
  return hours * 60 + mins;
}

/** The data files shipped with this version of the library. */
export const DEFAULT_RULE_SET_FILES: RuleSetFiles = {
  ruleSet: ruleSetJson,
  callingWindows: callingWindowsJson,
  frequencyCaps: frequencyCapsJson,
  stateDncLists: stateDncListsJson,
  stateRestrictions: stateRestrictionsJson,
  holidays: holidaysJson,
  npaTable: npaTableJson,
};

export const defaultRuleSet: RuleSet = buildRuleSet(DEFAULT_RULE_SET_FILES);

/** The version of the shipped rule set, reported in every decision. */
export const RULE_SET_VERSION: string = defaultRuleSet.version;
