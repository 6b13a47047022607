import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import shipped from '../data/npa_timezones_us.json' with { type: 'json' };
import { buildNpaTable, formatNpaTable, MAPPING_RULES, type NpaTable } from './npa-report.js';

const fixture = readFileSync(new URL('./fixtures/npa_report.sample.csv', import.meta.url), 'utf8');

describe('buildNpaTable on a sample of the 11/26/2025 NANPA report', () => {
  const table = buildNpaTable(fixture, { via: 'copy in github taus9/trim-npa-report' });

  it('reproduces the shipped entry of every in-service US geographic row', () => {
    const codes = Object.keys(table.npas);
    expect(codes).toEqual([
      '201',
      '208',
      '270',
      '281',
      '340',
      '346',
      '364',
      '480',
      '520',
      '551',
      '602',
      '621',
      '623',
      '662',
      '670',
      '671',
      '684',
      '713',
      '775',
      '787',
      '808',
      '812',
      '832',
      '907',
      '928',
      '930',
      '939',
      '986',
    ]);
    for (const code of codes) expect(table.npas[code], code).toEqual((shipped.npas as Record<string, unknown>)[code]);
  });

  it('applies each mapping rule', () => {
    expect(table.npas['208']?.zones).toEqual(['America/Denver', 'America/Los_Angeles']); // MP
    expect(table.npas['986']?.zones).toEqual(['America/Los_Angeles', 'America/Denver']); // P + its overlay 208
    expect(table.npas['930']?.zones).toEqual(['America/New_York', 'America/Chicago']); // E + its overlay 812
    expect(table.npas['602']?.zones).toEqual(['America/Phoenix']);
    expect(table.npas['928']?.zones).toEqual(['America/Phoenix', 'America/Denver']);
    expect(table.npas['907']?.zones).toEqual(['America/Anchorage', 'America/Adak']);
    expect(table.npas['775']?.zones).toEqual(['America/Los_Angeles', 'America/Denver']);
    expect(table.npas['670']).toMatchObject({ state: 'CNMI', zones: ['Pacific/Saipan'] });
    expect(table.mappingRules).toBe(MAPPING_RULES);
  });

  it('keeps assigned-but-not-in-service codes apart and leaves out the rest', () => {
    expect(table.assignedNotInService).toEqual({
      '465': (shipped.assignedNotInService as Record<string, unknown>)['465'],
      '471': (shipped.assignedNotInService as Record<string, unknown>)['471'],
    });
    for (const code of ['204', '211', '500', '800', '876', '900']) {
      expect(table.npas[code], code).toBeUndefined(); // Canada, N11, 5XX, toll-free, Jamaica, premium
    }
  });

  it('records the file date', () => {
    expect(table.source).toBe(shipped.source);
    expect(buildNpaTable(fixture).source).toBe('NANPA NPA database npa_report.csv, File Date 11/26/2025');
  });

  it('prints the file as it is kept: keys sorted, one-space indent, no final newline', () => {
    const raw = readFileSync(new URL('../data/npa_timezones_us.json', import.meta.url), 'utf8');
    expect(formatNpaTable(JSON.parse(raw) as NpaTable)).toBe(raw);
  });

  it('fails on a time zone it has no rule for, and on a file that is not the report', () => {
    const header = fixture.split(/\r?\n/).slice(0, 2).join('\n');
    const odd = `${header}\n299,General Purpose Code,Yes,,No,Yes,01-Jan-2030,G,ZZ,US,Y,01-Jan-2030,,,,No,,,,X,,,No,No,,,,,,,,\n`;
    expect(() => buildNpaTable(odd)).toThrow(/299 \(ZZ\): unknown NANPA time zone "X"/);
    expect(() => buildNpaTable('a,b\n1,2\n')).toThrow(/no header row/);
  });
});
