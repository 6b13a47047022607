import { parse } from 'csv-parse/sync';

/**
 * Builds data/npa_timezones_us.json from NANPA's NPA report (npa_report.csv). Pure: the
 * regeneration script and its test both call `buildNpaTable`.
 *
 * Mapping rules (data/PROVENANCE.md):
 * - in service (IN_SERVICE = Y), geographic (USE = G), COUNTRY = US → `npas`;
 *   assigned, geographic, US, not yet in service → `assignedNotInService`;
 * - NANPA's single-letter zones E/C/M/P → America/New_York, Chicago, Denver, Los_Angeles,
 *   a two-letter zone ("EC", "MP") is both, in that order;
 * - Arizona → America/Phoenix (no DST); 928 adds America/Denver (the Navajo Nation keeps DST);
 * - Alaska (907) → America/Anchorage + America/Adak (the Aleutians west of 169°30′W);
 * - 775 → America/Los_Angeles + America/Denver (West Wendover keeps Mountain time);
 * - the territories by location: PR, VI (Atlantic), GU, CNMI, AS, and HI by its own zone;
 * - an overlay takes the union of the zones of its overlay complex (its own zones first,
 *   then each member's in the order NANPA lists them).
 */

export interface NpaEntry {
  nanpaTimeZone: string;
  overlayComplex: string;
  state: string;
  zones: string[];
}
export interface PlannedNpaEntry {
  nanpaTimeZone: string;
  overlayComplex: string;
  plannedInServiceDate: string;
  state: string;
}
export interface NpaTable {
  assignedNotInService: Record<string, PlannedNpaEntry>;
  mappingRules: string;
  npas: Record<string, NpaEntry>;
  source: string;
}

export const MAPPING_RULES =
  'E/C/M/P -> America/New_York|Chicago|Denver|Los_Angeles; AZ M -> America/Phoenix; 928 adds America/Denver (Navajo Nation DST); AK -> Anchorage+Adak; 775 -> Los_Angeles+Denver (West Wendover); overlays inherit union of their overlay complex';

const LETTER_ZONES: Record<string, string> = {
  E: 'America/New_York',
  C: 'America/Chicago',
  M: 'America/Denver',
  P: 'America/Los_Angeles',
};

/** Locations whose zone follows from where they are, whatever NANPA's TIME_ZONE text says. */
const LOCATION_ZONES: Record<string, string[]> = {
  AK: ['America/Anchorage', 'America/Adak'],
  AZ: ['America/Phoenix'],
  HI: ['Pacific/Honolulu'],
  PR: ['America/Puerto_Rico'],
  VI: ['America/St_Thomas'],
  GU: ['Pacific/Guam'],
  CNMI: ['Pacific/Saipan'],
  AS: ['Pacific/Pago_Pago'],
};

/** Area codes whose TIME_ZONE text is prose ("PT/MT only for W Wendover"), not letters. */
const NPA_ZONES: Record<string, string[]> = {
  '775': ['America/Los_Angeles', 'America/Denver'],
};

/** Area codes that reach into one more zone than their location's. */
const NPA_EXTRA_ZONES: Record<string, string[]> = {
  '928': ['America/Denver'],
};

export interface BuildOptions {
  /** Appended to the source line in parentheses, e.g. where the copy of the report came from. */
  via?: string;
}

export function buildNpaTable(csvText: string, options: BuildOptions = {}): NpaTable {
  const { fileDate, rows } = readReport(csvText);
  const geographicUs = rows.filter((row) => row.COUNTRY === 'US' && row.USE === 'G');

  const inService = geographicUs.filter((row) => row.IN_SERVICE === 'Y');
  const baseZones = new Map(inService.map((row) => [row.NPA_ID, zonesOf(row)]));

  const npas: Record<string, NpaEntry> = {};
  for (const row of inService) {
    const zones = [...(baseZones.get(row.NPA_ID) ?? [])];
    for (const member of complexMembers(row.OVERLAY_COMPLEX)) {
      for (const zone of baseZones.get(member) ?? []) if (!zones.includes(zone)) zones.push(zone);
    }
    npas[row.NPA_ID] = {
      nanpaTimeZone: row.TIME_ZONE,
      overlayComplex: row.OVERLAY_COMPLEX,
      state: row.LOCATION,
      zones,
    };
  }

  const assignedNotInService: Record<string, PlannedNpaEntry> = {};
  for (const row of geographicUs) {
    if (row.IN_SERVICE === 'Y' || row.ASSIGNED !== 'Yes') continue;
    assignedNotInService[row.NPA_ID] = {
      nanpaTimeZone: row.TIME_ZONE,
      overlayComplex: row.OVERLAY_COMPLEX,
      plannedInServiceDate: row.IN_SERVICE_DT,
      state: row.LOCATION,
    };
  }

  const via = options.via === undefined ? '' : ` (${options.via})`;
  return sortKeysDeep({
    assignedNotInService,
    mappingRules: MAPPING_RULES,
    npas,
    source: `NANPA NPA database npa_report.csv, File Date ${fileDate}${via}`,
  });
}

type ReportRow = Record<
  | 'NPA_ID'
  | 'ASSIGNED'
  | 'USE'
  | 'LOCATION'
  | 'COUNTRY'
  | 'IN_SERVICE'
  | 'IN_SERVICE_DT'
  | 'OVERLAY_COMPLEX'
  | 'TIME_ZONE',
  string
>;

const REQUIRED_COLUMNS = [
  'NPA_ID',
  'ASSIGNED',
  'USE',
  'LOCATION',
  'COUNTRY',
  'IN_SERVICE',
  'IN_SERVICE_DT',
  'OVERLAY_COMPLEX',
  'TIME_ZONE',
] as const;

/** NANPA's file starts with a `File Date,MM/DD/YYYY` line, then the header; column case varies. */
function readReport(csvText: string): { fileDate: string; rows: ReportRow[] } {
  const records = parse(csvText, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  const headerIndex = records.findIndex((record) => record[0]?.trim().toUpperCase() === 'NPA_ID');
  if (headerIndex < 0) throw new Error('not a NANPA NPA report: no header row starting with NPA_ID');
  const fileDateRecord = records.slice(0, headerIndex).find((record) => /file date/i.test(record[0] ?? ''));
  const fileDate = fileDateRecord?.[1]?.trim() ?? 'unknown';

  const header = (records[headerIndex] ?? []).map((name) => name.trim().toUpperCase());
  const missing = REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) throw new Error(`NANPA NPA report lacks the column(s) ${missing.join(', ')}`);
  const column = Object.fromEntries(REQUIRED_COLUMNS.map((name) => [name, header.indexOf(name)])) as Record<
    (typeof REQUIRED_COLUMNS)[number],
    number
  >;

  const rows: ReportRow[] = [];
  for (const record of records.slice(headerIndex + 1)) {
    const row = Object.fromEntries(
      REQUIRED_COLUMNS.map((name) => [
        name,
        name === 'OVERLAY_COMPLEX' ? (record[column[name]] ?? '') : (record[column[name]] ?? '').trim(),
      ]),
    ) as ReportRow;
    if (/^\d{3}$/.test(row.NPA_ID)) rows.push(row);
  }
  return { fileDate, rows };
}

function zonesOf(row: ReportRow): string[] {
  const zones = [...(NPA_ZONES[row.NPA_ID] ?? LOCATION_ZONES[row.LOCATION] ?? lettersToZones(row))];
  for (const zone of NPA_EXTRA_ZONES[row.NPA_ID] ?? []) if (!zones.includes(zone)) zones.push(zone);
  return zones;
}

function lettersToZones(row: ReportRow): string[] {
  const letters = row.TIME_ZONE.trim();
  const zones = [...letters].map((letter) => LETTER_ZONES[letter]);
  if (letters === '' || zones.some((zone) => zone === undefined)) {
    throw new Error(
      `area code ${row.NPA_ID} (${row.LOCATION}): unknown NANPA time zone "${row.TIME_ZONE}"; add a mapping rule`,
    );
  }
  return zones as string[];
}

function complexMembers(overlayComplex: string): string[] {
  return overlayComplex
    .split('/')
    .map((member) => member.trim())
    .filter((member) => /^\d{3}$/.test(member));
}

/** The file as NANPA-derived data is kept: keys sorted, one-space indent, no final newline. */
export function formatNpaTable(table: NpaTable): string {
  return JSON.stringify(sortKeysDeep(table), null, 1);
}

function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeysDeep) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]),
    ) as T;
  }
  return value;
}
