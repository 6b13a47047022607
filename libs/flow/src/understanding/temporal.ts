import { tzOffset } from '@date-fns/tz';
import { casual as chronoMonthFirst, GB as chronoDayFirst, type ParsedResult } from 'chrono-node/en';
import { ORDINAL_WORDS, TENS_WORDS, UNIT_WORDS } from './numbers.js';

/**
 * Dates and times as callers say them, resolved against the call's clock in the flow's
 * time zone (FLOW-LANGUAGE.md "Captured values"): date → `YYYY-MM-DD`, time → `HH:mm`,
 * datetime → ISO 8601 with the zone's offset at that instant.
 *
 * chrono-node does the parsing. Around it:
 * - the text is prepared for what chrono misses ("at three thirty", "half past four",
 *   "around 4", "the 5th", "the day after tomorrow");
 * - chrono gets the zone's offset at `now` (it only knows fixed offsets); the wall-clock
 *   fields it returns are then placed in the IANA zone with @date-fns/tz, so a date on the
 *   other side of a DST change gets that day's offset (zone math by @date-fns/tz's
 *   `tzOffset`, which reads the platform's IANA data). Relative times ("in two hours") are
 *   taken as the exact instant instead;
 * - a bare hour from 1 to 7 without am/pm means the afternoon ("tomorrow at 3" → 15:00:
 *   nobody books a call at 3 am), a part of day means a business hour (morning 09:00,
 *   afternoon 14:00, evening 18:00, tonight 19:00), and a time without a date is the next
 *   such time from now.
 */

export type TemporalType = 'date' | 'time' | 'datetime';

export interface TemporalValue {
  value: string;
  confidence: number;
}

export interface TemporalContext {
  now: Date;
  timezone: string;
  locale: string;
}

const CERTAIN = 0.9;
const HOLD_ON_MS = 2 * 60_000;
const IMPLIED = 0.75;

const PART_OF_DAY: Readonly<Record<string, readonly [hour: number, minute: number]>> = {
  morning: [9, 0],
  afternoon: [14, 0],
  evening: [18, 0],
  tonight: [19, 0],
  night: [19, 0],
};

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;

/** cheap gate: chrono is only asked when the text could hold a date or a time */
const MAYBE_TEMPORAL =
  /\d|\b(?:today|tonight|tomorrow|yesterday|noon|midnight|morning|afternoon|evening|night|weekend|week|month|year|hours?|minutes?|mins?|days?|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|next|half|quarter|o'?clock|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|first|second|third|fifth|[a-z]+th)\b/;

/** results that are ordinary words more often than dates */
const IGNORED_RESULTS = new Set(['now', 'right now', 'sat', 'sun', 'wed', 'mar', 'may', 'march']);

const HOUR_WORDS = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve';
const MINUTE_WORDS =
  '(?:oh (?:one|two|three|four|five|six|seven|eight|nine)|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|' +
  '(?:twenty|thirty|forty|fifty)(?: (?:one|two|three|four|five|six|seven|eight|nine))?)';
const TIME_LEAD = '(?:at|around|about|by|until|till|til|after|before|from|for|say|maybe|approximately|roughly|like)';
const TIME_TAIL = "(?: ?[ap]m| o'clock| oclock| in the (?:morning|afternoon|evening)| tonight| tomorrow| today)";

const HALF_QUARTER_RE = new RegExp(
  `\\b(half|quarter|five|${MINUTE_WORDS}|[0-9]{1,2}(?= minutes?))(?: minutes?)? (past|after|to|till|til|of) (${HOUR_WORDS}|[0-9]{1,2})\\b`,
  'g',
);
const WORD_TIME_RE = new RegExp(`\\b(${TIME_LEAD} )(${HOUR_WORDS})(?: (${MINUTE_WORDS}))?\\b`, 'g');
const WORD_TIME_TAIL_RE = new RegExp(`\\b(${HOUR_WORDS})(?: (${MINUTE_WORDS}))?(?=${TIME_TAIL}\\b)`, 'g');
const APPROX_DIGIT_RE = new RegExp(
  `\\b(?:around|about|approximately|roughly|like|maybe|say|by|after|before|until|till|til)( [0-9]{1,2}(?::[0-9]{2})?)\\b`,
  'g',
);
const DAY_NAME =
  '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*';
/** "the fifth", "march twenty first": an ordinal after "the" or a month or day name */
const ORDINAL_WORD_RE = new RegExp(
  `\\b(the |${DAY_NAME} (?:the )?)(?:(twenty|thirty)[ -])?(${Object.keys(ORDINAL_WORDS).join('|')})\\b(?! (?:one|time|thing|option|choice|call|visit))`,
  'g',
);
const BARE_ORDINAL_DAY_RE = /\b(?:on )?(?:the )?([0-9]{1,2})(?:st|nd|rd|th)\b(?! of\b)/g;
const MONTH_RE = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b/;

function wordValue(words: string | undefined): number {
  if (words === undefined) return 0;
  if (words.startsWith('oh ')) return UNIT_WORDS[words.slice(3)] ?? 0;
  const [tens, unit] = words.split(' ');
  return (TENS_WORDS[tens ?? ''] ?? UNIT_WORDS[tens ?? ''] ?? 0) + (UNIT_WORDS[unit ?? ''] ?? 0);
}

function clock(hour: number, minute: number): string {
  return minute === 0 ? String(hour) : `${hour}:${String(minute).padStart(2, '0')}`;
}

/** rewrite what chrono does not read into forms it does */
export function prepareTemporalText(raw: string, localNow: { year: number; month: number; day: number }): string {
  let s = ` ${raw.toLowerCase().replace(/[’‘]/g, "'")} `;
  s = s.replace(/\b([ap])\.\s?m\b\.?/g, '$1m').replace(/[,;!?]/g, ' ');
  s = s.replace(/\b(?:the )?day after tomorrow\b/g, 'in 2 days').replace(/\blunch ?time\b/g, 'noon');
  s = s.replace(HALF_QUARTER_RE, (match, amount: string, relation: string, hourText: string) => {
    const hour = /^[0-9]/.test(hourText) ? Number(hourText) : (UNIT_WORDS[hourText] ?? 0);
    const minutes =
      amount === 'half' ? 30 : amount === 'quarter' ? 15 : /^[0-9]/.test(amount) ? Number(amount) : wordValue(amount);
    if (hour < 1 || hour > 12 || minutes <= 0 || minutes >= 60) return match;
    if (relation === 'of' && amount !== 'quarter' && amount !== 'half') return match;
    if (relation === 'past' || relation === 'after') return ` at ${clock(hour, minutes)} `;
    if (amount === 'half') return match;
    return ` at ${clock(hour === 1 ? 12 : hour - 1, 60 - minutes)} `;
  });
  s = s.replace(WORD_TIME_RE, (_m, lead: string, hourText: string, minuteText: string | undefined) => {
    const hour = UNIT_WORDS[hourText] ?? 0;
    const atLead = /^(?:around|about|approximately|roughly|like|maybe|say) $/.test(lead) ? 'at ' : lead;
    return `${atLead}${clock(hour, wordValue(minuteText))}`;
  });
  s = s.replace(WORD_TIME_TAIL_RE, (_m, hourText: string, minuteText: string | undefined) =>
    clock(UNIT_WORDS[hourText] ?? 0, wordValue(minuteText)),
  );
  s = s.replace(APPROX_DIGIT_RE, ' at$1');
  s = s.replace(/\b(?:at )?([0-9]{1,2}) ([0-5][0-9])(?=(?: ?[ap]m)?\b)/g, (match, h: string, m: string) =>
    Number(h) <= 24 ? ` at ${h}:${m}` : match,
  );
  s = s.replace(ORDINAL_WORD_RE, (match, lead: string, tens: string | undefined, ordinal: string) => {
    const value = (tens === undefined ? 0 : (TENS_WORDS[tens] ?? 0)) + (ORDINAL_WORDS[ordinal] ?? 0);
    return value >= 1 && value <= 31 ? `${lead}${value}${ordinalSuffix(value)}` : match;
  });
  if (!MONTH_RE.test(s)) {
    // "the 5th": this month if that day is still ahead, else next month
    s = s.replace(BARE_ORDINAL_DAY_RE, (match, dayText: string) => {
      const day = Number(dayText);
      if (day < 1 || day > 31) return match;
      let year = localNow.year;
      let month = localNow.month;
      if (day < localNow.day) month++;
      for (let tries = 0; tries < 3 && day > daysInMonth(year, month > 12 ? 1 : month); tries++) month++;
      if (month > 12) {
        month -= 12;
        year++;
      }
      return ` ${MONTHS[month - 1] ?? 'january'} ${day} ${year} `;
    });
  }
  return s.replace(/\s+/g, ' ').trim();
}

function ordinalSuffix(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return 'th';
  return n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function partOfDay(result: ParsedResult): readonly [number, number] | undefined {
  for (const tag of result.start.tags()) {
    if (!tag.startsWith('casualReference/')) continue;
    const value = PART_OF_DAY[tag.slice('casualReference/'.length)];
    if (value !== undefined) return value;
  }
  return undefined;
}

function hasDateInfo(result: ParsedResult): boolean {
  const s = result.start;
  if (s.isCertain('day') || s.isCertain('weekday') || s.isCertain('month')) return true;
  for (const tag of s.tags())
    if (tag === 'result/relativeDate' || /casualReference\/(?:today|tomorrow|tonight|yesterday)/.test(tag)) return true;
  return false;
}

function hasTimeInfo(result: ParsedResult): boolean {
  return (
    result.start.isCertain('hour') ||
    result.start.tags().has('result/relativeDateAndTime') ||
    partOfDay(result) !== undefined
  );
}

function chronoFor(locale: string) {
  return /^en-(?:GB|IE|AU|NZ|IN|ZA)\b/i.test(locale) ? chronoDayFirst : chronoMonthFirst;
}

/** minutes east of UTC of the zone at an instant (UTC for an unknown zone) */
function offsetAt(timezone: string, epochMs: number): number {
  const offset = tzOffset(timezone, new Date(epochMs));
  return Number.isFinite(offset) ? offset : 0;
}

function wallClockOf(instant: Date, timezone: string): WallClock {
  const shifted = new Date(instant.getTime() + offsetAt(timezone, instant.getTime()) * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
}

/**
 * The instant a wall clock shows in a zone. A time skipped by a DST change (02:30 on the
 * spring-forward night) moves forward by the gap, as clocks do; a repeated one (01:30 on the
 * fall-back night) is the first.
 */
function instantOf(wall: WallClock, timezone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const firstOffset = offsetAt(timezone, asUtc);
  const first = asUtc - firstOffset * 60_000;
  const secondOffset = offsetAt(timezone, first);
  if (secondOffset === firstOffset) return first;
  const second = asUtc - secondOffset * 60_000;
  return offsetAt(timezone, second) === secondOffset ? second : Math.max(first, second);
}

function nextDay(wall: WallClock): WallClock {
  const next = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + 1));
  return { ...wall, year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

function formatIso(wall: WallClock, timezone: string): string {
  const instant = instantOf(wall, timezone);
  const offset = offsetAt(timezone, instant);
  const shifted = new Date(instant + offset * 60_000);
  const actual: WallClock = {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${formatDate(actual)}T${formatTime(actual)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** a date or time in the text, or undefined */
export function parseTemporal(text: string, type: TemporalType, context: TemporalContext): TemporalValue | undefined {
  const lower = text.toLowerCase();
  if (!MAYBE_TEMPORAL.test(lower)) return undefined;
  const { now, timezone } = context;
  const localNow = wallClockOf(now, timezone);
  const prepared = prepareTemporalText(lower, localNow);
  const reference = { instant: now, timezone: tzOffset(timezone, now) };
  const results = chronoFor(context.locale)
    .parse(prepared, reference, { forwardDate: true })
    .filter((r) => !IGNORED_RESULTS.has(r.text.trim()) && !isHoldOn(r, now));
  const dateResult = results.find((r) => r.start.isCertain('day')) ?? results.find(hasDateInfo);
  const timeResult = results.find(hasTimeInfo);
  if (type === 'date' && dateResult === undefined) {
    const partOnly = results.find((r) => partOfDay(r) !== undefined);
    if (partOnly === undefined) return undefined;
    return { value: formatDate(componentsOf(partOnly)), confidence: IMPLIED };
  }
  if (type === 'time' && timeResult === undefined) return undefined;
  if (type === 'datetime' && dateResult === undefined && timeResult === undefined) return undefined;

  const wall = resolve(dateResult, timeResult, localNow, now, timezone);
  const timeCertain = timeResult !== undefined && timeResult.start.isCertain('hour');
  switch (type) {
    case 'date':
      return { value: formatDate(wall), confidence: CERTAIN };
    case 'time':
      return { value: formatTime(wall), confidence: timeCertain || isRelative(timeResult) ? CERTAIN : IMPLIED };
    case 'datetime': {
      const certain = (timeCertain || isRelative(timeResult)) && (dateResult !== undefined || isRelative(timeResult));
      return { value: formatIso(wall, timezone), confidence: certain ? CERTAIN : IMPLIED };
    }
  }
}

/** "just a second", "hold on a minute": a request to wait, not a time */
function isHoldOn(result: ParsedResult, now: Date): boolean {
  return isRelative(result) && Math.abs(result.date().getTime() - now.getTime()) < HOLD_ON_MS;
}

function isRelative(result: ParsedResult | undefined): boolean {
  return result?.start.tags().has('result/relativeDateAndTime') ?? false;
}

function componentsOf(result: ParsedResult): WallClock {
  const s = result.start;
  return {
    year: s.get('year') ?? 1970,
    month: s.get('month') ?? 1,
    day: s.get('day') ?? 1,
    hour: s.get('hour') ?? 12,
    minute: s.get('minute') ?? 0,
  };
}

function resolve(
  dateResult: ParsedResult | undefined,
  timeResult: ParsedResult | undefined,
  localNow: WallClock,
  now: Date,
  timezone: string,
): WallClock {
  if (timeResult !== undefined && isRelative(timeResult)) {
    // "in two hours": an exact instant, whatever the wall clock does meanwhile
    return wallClockOf(timeResult.date(), timezone);
  }
  const first = dateResult ?? timeResult;
  if (first === undefined) return localNow;
  const wall = componentsOf(first);
  if (timeResult !== undefined) {
    const t = componentsOf(timeResult);
    wall.hour = t.hour;
    wall.minute = t.minute;
    const part = partOfDay(timeResult);
    if (!timeResult.start.isCertain('hour')) {
      if (part !== undefined) [wall.hour, wall.minute] = part;
    } else if (!timeResult.start.isCertain('meridiem') && wall.hour < 12) {
      // "tonight at 8" is 20:00; a bare 1 to 7 is the afternoon
      const afternoon = part !== undefined ? part[0] >= 12 : wall.hour >= 1 && wall.hour <= 7;
      if (afternoon) wall.hour += 12;
    }
  }
  if (dateResult === undefined) {
    // a time alone: the next time the clock shows it
    const today: WallClock = { ...wall, year: localNow.year, month: localNow.month, day: localNow.day };
    return instantOf(today, timezone) > now.getTime() ? today : nextDay(today);
  }
  return wall;
}

function formatDate(wall: WallClock): string {
  return `${String(wall.year).padStart(4, '0')}-${pad(wall.month)}-${pad(wall.day)}`;
}

function formatTime(wall: WallClock): string {
  return `${pad(wall.hour)}:${pad(wall.minute)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
