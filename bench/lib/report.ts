/** What every bench prints with: tables, number arguments, percentiles. */

export type Align = 'left' | 'right';

/**
 * A plain-text table with a rule under the header. `align` per column; by default the first
 * column is left-aligned and the others (figures) right-aligned.
 */
export function printTable(header: string[], rows: string[][], align?: Align[]): void {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]?.length ?? 0)));
  const alignOf = (column: number): Align => align?.[column] ?? (column === 0 ? 'left' : 'right');
  const line = (row: string[]): string =>
    row
      .map((cell, column) =>
        alignOf(column) === 'left' ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((width) => '─'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** `--flag N`: a positive whole number, else `fallback`. */
export function numberArg(flag: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} takes a positive whole number`);
  return value;
}

/** Every `--api-env NAME=VALUE`: settings of the API under test, on top of the bench's own. */
export function apiEnvArgs(): Record<string, string> {
  const env: Record<string, string> = {};
  process.argv.forEach((arg, i) => {
    if (arg !== '--api-env') return;
    const pair = process.argv[i + 1] ?? '';
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error('--api-env takes NAME=VALUE');
    env[pair.slice(0, at)] = pair.slice(at + 1);
  });
  return env;
}

/** The q-quantile (0..1) of ascending values (nearest rank). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function ms(value: number): string {
  return `${value.toFixed(3)} ms`;
}
