/**
 * Regenerates data/npa_timezones_us.json from a NANPA NPA report.
 *
 *   npm run regenerate:npa -w @switchboard/compliance -- path/to/npa_report.csv [--via "where the copy came from"]
 *
 * Review the diff (new area codes, changed zones), update data/PROVENANCE.md with the new
 * file date, and bump ruleSetVersion in data/rule-set.json.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildNpaTable, formatNpaTable } from './npa-report.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { via: { type: 'string' }, out: { type: 'string' } },
});
const input = positionals[0];
if (input === undefined) {
  process.stderr.write('usage: regenerate-npa.ts NPA_REPORT.csv [--via TEXT] [--out FILE]\n');
  process.exit(2);
}
const out = values.out ?? fileURLToPath(new URL('../data/npa_timezones_us.json', import.meta.url));
const table = buildNpaTable(await readFile(input, 'utf8'), values.via === undefined ? {} : { via: values.via });
await writeFile(out, formatNpaTable(table));
const twoZones = Object.values(table.npas).filter((entry) => entry.zones.length > 1).length;
process.stdout.write(
  `wrote ${out}: ${Object.keys(table.npas).length} area codes in service (${twoZones} in two zones), ` +
    `${Object.keys(table.assignedNotInService).length} assigned but not in service\n`,
);
