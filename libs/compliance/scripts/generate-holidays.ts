/**
 * Regenerates data/holidays.json from data/holiday-rules.json.
 *
 *   npm run generate:holidays -w @switchboard/compliance
 *
 * Bump ruleSetVersion in data/rule-set.json when the output changes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildHolidayCalendar } from './holiday-calendar.js';

const dataDir = new URL('../data/', import.meta.url);
const rules = JSON.parse(await readFile(new URL('holiday-rules.json', dataDir), 'utf8')) as unknown;
const out = fileURLToPath(new URL('holidays.json', dataDir));
await writeFile(out, `${JSON.stringify(buildHolidayCalendar(rules), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
