/**
 * The contacts upload's column mapping, read in the browser from the CSV's header row and sent as
 * the query of `POST /v1/campaigns/:id/contacts` (`?phone=<column>&externalId=<column>&var.<name>=<column>`).
 * The file itself goes up untouched: the API parses and checks every row.
 */

export interface ColumnMapping {
  /** the column holding the number (required) */
  phone: string;
  /** the column holding the operator's own id of the contact, or '' for none */
  externalId: string;
  /** flow input variable → column ('' = not mapped) */
  variables: Record<string, string>;
  /**
   * the column scripting the simulated callee ('' = none): answers per attempt like `no_answer|human`,
   * for trying a campaign on a worker without telephony
   */
  simulation: string;
}

/**
 * The first record of a CSV (RFC 4180: quoted fields, doubled quotes, a quoted newline, CRLF, a BOM).
 * Only the header is needed, so parsing stops at the first unquoted line break.
 */
export function parseCsvHeader(text: string): string[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field.trim());
      field = '';
    } else if (c === '\n' || c === '\r') break;
    else field += c;
  }
  fields.push(field.trim());
  return fields.length === 1 && fields[0] === '' ? [] : fields;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const PHONE_NAMES = ['phone', 'phonenumber', 'number', 'mobile', 'tel', 'telephone', 'to'];
const EXTERNAL_ID_NAMES = ['externalid', 'id', 'contactid', 'customerid', 'ref', 'reference'];

/**
 * What the operator most likely means: `phone` (or a usual synonym) for the number, an id-like column
 * for the external id, and each input variable from the column of the same name — the API's own
 * default for variables, so an untouched mapping uploads as the API would read the file anyway.
 */
export function defaultMapping(header: readonly string[], inputVariables: readonly string[]): ColumnMapping {
  const find = (names: readonly string[]) =>
    names.map((name) => header.find((column) => norm(column) === name)).find((c) => c !== undefined) ?? '';
  const variables: Record<string, string> = {};
  for (const name of inputVariables) variables[name] = header.find((column) => norm(column) === norm(name)) ?? '';
  return { phone: find(PHONE_NAMES), externalId: find(EXTERNAL_ID_NAMES), variables, simulation: find(['simulation']) };
}

/** Why the mapping cannot be uploaded yet; empty when it can. */
export function mappingProblems(
  mapping: ColumnMapping,
  header: readonly string[],
  requiredVariables: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  if (header.length === 0) problems.push('The file has no header row.');
  const duplicate = header.find((column, i) => header.indexOf(column) !== i);
  if (duplicate !== undefined) problems.push(`The column "${duplicate}" appears twice in the header.`);
  if (!mapping.phone) problems.push('Choose the column that holds the phone number.');
  const known = new Set(header);
  const used = [mapping.phone, mapping.externalId, mapping.simulation, ...Object.values(mapping.variables)].filter(
    Boolean,
  );
  for (const column of used) if (!known.has(column)) problems.push(`The file has no column "${column}".`);
  for (const name of requiredVariables)
    if (!mapping.variables[name])
      problems.push(`The flow requires "${name}": map a column to it or set a default on the campaign.`);
  return problems;
}

/** The upload's query string (no leading `?`); unmapped entries are left out so the API's defaults apply. */
export function mappingToQuery(mapping: ColumnMapping): string {
  const params = new URLSearchParams();
  if (mapping.phone) params.set('phone', mapping.phone);
  if (mapping.externalId) params.set('externalId', mapping.externalId);
  if (mapping.simulation) params.set('simulation', mapping.simulation);
  for (const [name, column] of Object.entries(mapping.variables).sort(([a], [b]) => a.localeCompare(b)))
    if (column) params.set(`var.${name}`, column);
  return params.toString();
}

/**
 * The mapping once the pinned version's input variables are known: a guess for each variable it does
 * not name yet, the operator's own choices kept. The variables arrive after the page loads, often
 * after a file was chosen; without this the first upload would miss every variable column.
 */
export function withVariables(
  mapping: ColumnMapping,
  header: readonly string[],
  inputVariables: readonly string[],
): ColumnMapping {
  const guessed = defaultMapping(header, inputVariables).variables;
  const variables: Record<string, string> = {};
  for (const name of inputVariables) variables[name] = mapping.variables[name] ?? guessed[name] ?? '';
  return { ...mapping, variables };
}

/** One record of the file: where it starts (1-based line of the file, as an editor or spreadsheet shows it) and its cells. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * The records of the data rows asked for, numbered as the API numbers them: the header is row 0, the
 * first record after it row 1, empty lines skipped (csv-parse `skip_empty_lines`). Cells are trimmed
 * as the API trims them. Stops after the last row asked for, so a rejection near the top of a big
 * file does not parse all of it.
 */
export function csvRecords(text: string, rows: ReadonlySet<number>): Map<number, CsvRecord> {
  const found = new Map<number, CsvRecord>();
  if (rows.size === 0) return found;
  const last = Math.max(...rows);
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let start = 1;
  let row = -1;
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let touched = false;
  const end = (): boolean => {
    cells.push(field.trim());
    const empty = !touched && cells.length === 1 && cells[0] === '';
    if (!empty) {
      row += 1;
      if (rows.has(row)) found.set(row, { line: start, cells });
    }
    cells = [];
    field = '';
    touched = false;
    return row >= last;
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      touched = true;
    } else if (c === ',') {
      cells.push(field.trim());
      field = '';
      touched = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      if (end()) return found;
      line += 1;
      start = line;
    } else field += c;
  }
  if (field !== '' || touched || cells.length > 0) end();
  return found;
}
