import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRuleSet, DEFAULT_RULE_SET_FILES, defaultRuleSet } from './rule-set.js';
import { NpaTableFileSchema } from './rule-data.schema.js';

const dataFile = (name: string) => new URL(`../../data/${name}`, import.meta.url);
const sharedNpa = new URL('../../../../../shared/data/npa_timezones_us.json', import.meta.url);

describe('the shipped rule set (data/)', () => {
  it('has one version, reported in every decision', () => {
    expect(defaultRuleSet.version).toMatch(/^\d{4}\.\d+\.\d+$/);
  });

  it('holds every in-service US geographic area code: 375, 26 of them in two zones', () => {
    expect(defaultRuleSet.areaCodes.size).toBe(375);
    expect([...defaultRuleSet.areaCodes.values()].filter((a) => a.zones.length === 2)).toHaveLength(26);
    expect([...defaultRuleSet.plannedAreaCodes.keys()].sort()).toEqual(['465', '471', '483', '565', '761']);
  });

  it('uses IANA zones only, never fixed offsets', () => {
    const zones = new Set([...defaultRuleSet.areaCodes.values()].flatMap((a) => a.zones));
    for (const zone of zones) expect(zone).toMatch(/^(America|Pacific)\/[A-Za-z_]+$/);
  });

  it("derives each state's zones from its area codes (for an address without a resolved ZIP)", () => {
    expect(defaultRuleSet.zonesByState.get('FL')).toEqual(['America/New_York', 'America/Chicago']);
    expect(defaultRuleSet.zonesByState.get('TX')).toEqual(['America/Chicago', 'America/Denver']);
    expect(defaultRuleSet.zonesByState.get('OR')).toEqual(['America/Denver', 'America/Los_Angeles']);
    expect(defaultRuleSet.zonesByState.get('NY')).toEqual(['America/New_York']);
  });

  it('has a holiday calendar for 2025–2028 for every state that closes on holidays', () => {
    const closing = [...defaultRuleSet.stateWindows.values()].filter((w) => w.holidaysClosed).map((w) => w.id);
    expect(closing.sort()).toEqual(['AL', 'LA', 'PA', 'RI', 'UT']);
    expect(defaultRuleSet.holidays).toMatchObject({ from: 2025, to: 2028 });
    for (const state of closing) {
      const dates = [...(defaultRuleSet.holidays.byState.get(state)?.keys() ?? [])];
      for (const year of [2025, 2026, 2027, 2028]) {
        expect(dates.filter((d) => d.startsWith(`${year}-`)).length, `${state} ${year}`).toBeGreaterThanOrEqual(11);
      }
    }
  });

  it('keeps the tables of COMPLIANCE.md', () => {
    expect([...defaultRuleSet.stateDncStates].sort()).toEqual(
      ['CO', 'FL', 'IN', 'LA', 'MA', 'MO', 'MS', 'OK', 'PA', 'TN', 'TX', 'WY'].sort(),
    );
    expect([...defaultRuleSet.caps.keys()].sort()).toEqual(['FL', 'MD', 'OK', 'OR']);
    expect(defaultRuleSet.caps.get('OR')).toMatchObject({ scope: 'SELLER', exemptWithEbrPurchaseMonths: 18 });
    expect(defaultRuleSet.stateWindows.get('MS')?.clocks).toEqual(['LOCAL', 'STANDARD']);
    expect(defaultRuleSet.stateWindows.get('RI')?.days.map((d) => d && `${d.start / 60}-${d.end / 60}`)).toEqual([
      null,
      '9-18',
      '9-18',
      '9-18',
      '9-18',
      '9-18',
      '10-17',
    ]);
    expect(defaultRuleSet.nationalDncMaxAgeMs).toBe(31 * 24 * 3_600_000);
    expect([...defaultRuleSet.emergencyBanStates]).toEqual(['LA']);
    expect([...defaultRuleSet.artificialVoiceRequiresEbr]).toEqual(['MS']);
  });

  it('documents where the area-code table comes from', () => {
    const provenance = readFileSync(dataFile('PROVENANCE.md'), 'utf8');
    expect(provenance).toContain('11/26/2025');
    expect(provenance).toMatch(/npa_report\.csv/);
    expect(defaultRuleSet.npaSource).toContain('File Date 11/26/2025');
  });

  it.skipIf(!existsSync(sharedNpa))(
    'carries the project data file unchanged (shared/data/npa_timezones_us.json)',
    () => {
      const shared: unknown = JSON.parse(readFileSync(sharedNpa, 'utf8'));
      expect(NpaTableFileSchema.parse(shared)).toEqual(NpaTableFileSchema.parse(DEFAULT_RULE_SET_FILES.npaTable));
    },
  );

  it('rejects a bad data file when the rule set is built', () => {
    const windows = structuredClone(DEFAULT_RULE_SET_FILES.callingWindows) as { states: Record<string, unknown> };
    windows.states['ZZ'] = { weekdays: '20:00-08:00', saturday: null, sunday: null, holidays: 'REGULAR' };
    expect(() => buildRuleSet({ ...DEFAULT_RULE_SET_FILES, callingWindows: windows })).toThrow(
      /ZZ has an empty window/,
    );
    const closing = structuredClone(DEFAULT_RULE_SET_FILES.callingWindows) as { states: Record<string, unknown> };
    closing.states['NY'] = { weekdays: '08:00-20:00', saturday: null, sunday: null, holidays: 'CLOSED' };
    expect(() => buildRuleSet({ ...DEFAULT_RULE_SET_FILES, callingWindows: closing })).toThrow(/NY closes on holidays/);
  });
});
