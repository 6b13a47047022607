import { csvRecords, type ColumnMapping, type CsvRecord } from './csv-mapping.js';
import type { ContactImportResult } from './types.js';

/** A rejected row as the operator reads it: where it is in the file, which column, what it held, why. */
export interface RejectedRowView {
  /** the API's data row (1 = the first row after the header) */
  row: number;
  /** the line of the file the row starts on (the header is line 1), null when the file was not read */
  line: number | null;
  /** the API's field (`phone`, `externalId`, `variables.<name>`) */
  field: string;
  /** the CSV column the field was read from, when it is one */
  column: string | null;
  /** what the cell held, null when unknown */
  value: string | null;
  message: string;
}

/** The CSV column an API field was read from: the mapping's, or the variable's own name (the API's default). */
export function columnOf(field: string, mapping: ColumnMapping): string | null {
  if (field === 'phone') return mapping.phone || 'phone';
  if (field === 'externalId') return mapping.externalId || null;
  if (field === 'simulation') return mapping.simulation || null;
  const variable = /^variables\.(.+)$/.exec(field)?.[1];
  if (variable) return mapping.variables[variable] || variable;
  return null;
}

/**
 * The upload answer's rejections joined to the file the operator chose: the line numbers an editor or
 * spreadsheet shows, and the value each rejected cell held (`text` is the file, or null when it could not
 * be read again). In the API's order: by row, then field.
 */
export function rejectedRows(
  rejected: ContactImportResult['rejected'],
  text: string | null,
  mapping: ColumnMapping,
  header: readonly string[],
): RejectedRowView[] {
  const records: Map<number, CsvRecord> =
    text === null ? new Map<number, CsvRecord>() : csvRecords(text, new Set(rejected.map((r) => r.row)));
  return rejected.map((r) => {
    const record = records.get(r.row);
    const column = columnOf(r.field, mapping);
    const index = column === null ? -1 : header.indexOf(column);
    return {
      row: r.row,
      line: record?.line ?? null,
      field: r.field,
      column,
      value: record && index >= 0 ? (record.cells[index] ?? '') : null,
      message: r.message,
    };
  });
}

/**
 * `received = added + merged + rejected rows`: a row may be rejected for several fields, so the
 * rejected count is of distinct rows, not of messages.
 */
export const rejectedRowCount = (rejected: ContactImportResult['rejected']): number =>
  new Set(rejected.map((r) => r.row)).size;
