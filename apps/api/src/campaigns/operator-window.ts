import type { Weekday } from '@switchboard/contracts';

/** The operator's window, days filled in: local times `start` (inclusive) to `end` (exclusive). */
export interface OperatorWindow {
  days: readonly Weekday[];
  start: string;
  end: string;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: Weekday;
  minutes: number;
}

const WEEKDAY_OF: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/**
 * The local wall clock of each (zone, UTC minute) seen: formatToParts is the planner's most costly
 * step otherwise (a campaign's contacts share a few zones and, paced, a few minutes each). Every
 * zone's offset has been a whole number of minutes since 1972, so a minute's local time and the
 * second within it are the instant's. Bounded: cleared when full.
 */
const byZoneMinute = new Map<string, LocalTime>();
const CACHED_MINUTES = 100_000;
const MINUTE = 60_000;

function localTime(at: Date, zone: string): LocalTime & { second: number } {
  const ms = at.getTime();
  const minute = Math.floor(ms / MINUTE);
  const second = Math.floor((ms - minute * MINUTE) / 1000);
  const key = `${zone}|${minute}`;
  let local = byZoneMinute.get(key);
  if (!local) {
    local = formatLocal(new Date(minute * MINUTE), zone);
    if (byZoneMinute.size >= CACHED_MINUTES) byZoneMinute.clear();
    byZoneMinute.set(key, local);
  }
  return { ...local, second };
}

function formatLocal(at: Date, zone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(at)) parts[part.type] = part.value;
  const weekday = WEEKDAY_OF[parts.weekday ?? ''];
  if (!weekday) throw new Error(`no weekday for ${at.toISOString()} in ${zone}`);
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** The instant a local wall-clock time names in `zone` (two passes settle the zone's offset). */
function instantOf(year: number, month: number, day: number, minutes: number, zone: string): Date {
  const wall = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  let guess = wall;
  for (let pass = 0; pass < 2; pass++) {
    const local = localTime(new Date(guess), zone);
    const shown = Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes, local.second);
    guess += wall - shown;
  }
  return new Date(guess);
}

/** Whether `at` is inside the window in `zone`. */
export function insideIn(window: OperatorWindow, at: Date, zone: string): boolean {
  const local = localTime(at, zone);
  return (
    window.days.includes(local.weekday) &&
    local.minutes >= minutesOf(window.start) &&
    local.minutes < minutesOf(window.end)
  );
}

/** The first opening of the window in `zone` at or after `at` (within 8 days), or null. */
function nextOpeningIn(window: OperatorWindow, at: Date, zone: string): Date | null {
  if (insideIn(window, at, zone)) return at;
  const start = minutesOf(window.start);
  const local = localTime(at, zone);
  for (let offset = 0; offset <= 8; offset++) {
    // walk local calendar days: noon of the day avoids DST edges when stepping
    const noon = instantOf(local.year, local.month, local.day, 12 * 60, zone);
    const day = localTime(new Date(noon.getTime() + offset * 86_400_000), zone);
    if (!window.days.includes(day.weekday)) continue;
    const opening = instantOf(day.year, day.month, day.day, start, zone);
    if (opening.getTime() >= at.getTime()) return opening;
  }
  return null;
}

/**
 * The first instant at or after `at` that is inside the operator's window in every candidate
 * zone of the number (a number whose zone is uncertain is called only when all its zones agree,
 * as compliance does for the legal window); null when there is none within two weeks.
 */
export function firstInWindow(window: OperatorWindow, at: Date, zones: readonly string[]): Date | null {
  if (zones.length === 0) return at;
  const horizon = at.getTime() + 14 * 86_400_000;
  let candidate = at;
  for (let round = 0; round < 64 && candidate.getTime() <= horizon; round++) {
    let latest = candidate;
    for (const zone of zones) {
      const opening = nextOpeningIn(window, candidate, zone);
      if (!opening) return null;
      if (opening.getTime() > latest.getTime()) latest = opening;
    }
    if (latest.getTime() === candidate.getTime()) return candidate;
    candidate = latest;
  }
  return null;
}
