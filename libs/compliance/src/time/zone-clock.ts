import { tzOffset } from '@date-fns/tz';

/**
 * UTC offsets of IANA zones, from the runtime's tz database via Intl (through @date-fns/tz).
 * Never a fixed offset: a zone's year is split into constant-offset segments at the exact
 * instants (to the second) its offset changes, found by bisection and memoised per zone
 * and year — a pure function of its arguments, so the cache changes no result, only the
 * time it takes (an Intl lookup costs microseconds; a decision makes dozens).
 */

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return Number.isFinite(tzOffset(zone, new Date(0)));
  } catch {
    return false;
  }
}

/** A stretch of time [start, end) over which a zone's offset (ms east of UTC) does not change. */
export interface OffsetSegment {
  start: number;
  end: number;
  offset: number;
}

/** The zone's offset from UTC at instant `t`, in milliseconds (New York in winter: −5 h). */
export function offsetAt(zone: string, t: number): number {
  const segments = yearSegments(zone, new Date(t).getUTCFullYear());
  for (const segment of segments) if (t < segment.end) return segment.offset;
  return (segments[segments.length - 1] as OffsetSegment).offset;
}

/**
 * The zone's standard-time offset for the year of `t`: the smaller of its January and July
 * offsets (daylight saving time moves clocks forward in every US zone).
 */
export function standardOffsetAt(zone: string, t: number): number {
  const year = new Date(t).getUTCFullYear();
  return Math.min(offsetAt(zone, Date.UTC(year, 0, 1)), offsetAt(zone, Date.UTC(year, 6, 1)));
}

/** Splits [from, to) into constant-offset segments, at the exact instants the offset changes. */
export function offsetSegments(zone: string, from: number, to: number): OffsetSegment[] {
  const out: OffsetSegment[] = [];
  const lastYear = new Date(to - 1).getUTCFullYear();
  for (let year = new Date(from).getUTCFullYear(); year <= lastYear; year++) {
    for (const segment of yearSegments(zone, year)) {
      const start = Math.max(segment.start, from);
      const end = Math.min(segment.end, to);
      if (end <= start) continue;
      const previous = out[out.length - 1];
      if (previous !== undefined && previous.offset === segment.offset && previous.end === start) previous.end = end;
      else out.push({ start, end, offset: segment.offset });
    }
  }
  return out;
}

/** Probe spacing: far shorter than the time between two offset changes of any zone in use. */
const PROBE_MS = 7 * DAY_MS;
const MAX_CACHED_YEARS = 512;
const cache = new Map<string, OffsetSegment[]>();

function yearSegments(zone: string, year: number): OffsetSegment[] {
  const key = `${zone}|${year}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;

  const from = Date.UTC(year, 0, 1);
  const to = Date.UTC(year + 1, 0, 1);
  const segments: OffsetSegment[] = [];
  let start = from;
  let offset = lookup(zone, from);
  let probe = from;
  while (probe < to) {
    const next = Math.min(probe + PROBE_MS, to);
    if (lookup(zone, next) !== offset) {
      const change = firstChange(zone, probe, next, offset);
      segments.push({ start, end: change, offset });
      start = change;
      offset = lookup(zone, change);
      probe = change;
    } else {
      probe = next;
    }
  }
  segments.push({ start, end: to, offset });

  if (cache.size >= MAX_CACHED_YEARS) cache.clear();
  cache.set(key, segments);
  return segments;
}

function lookup(zone: string, t: number): number {
  const minutes = tzOffset(zone, new Date(t));
  if (!Number.isFinite(minutes)) throw new Error(`unknown time zone ${zone}`);
  return minutes * MINUTE_MS;
}

/** The first instant in (lo, hi] whose offset differs from `offset`; changes fall on whole seconds. */
function firstChange(zone: string, lo: number, hi: number, offset: number): number {
  let low = Math.floor(lo / SECOND_MS);
  let high = Math.ceil(hi / SECOND_MS);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (lookup(zone, mid * SECOND_MS) === offset) low = mid;
    else high = mid;
  }
  return Math.max(high * SECOND_MS, lo + 1);
}
