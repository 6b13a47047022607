import type { Purpose } from '../schema/compliance-input.schema.js';
import type { Clock, DayWindow, RuleSet, WindowRule } from '../rules/rule-set.js';
import { intersect, normalize, type Interval } from './intervals.js';
import { DAY_MS, MINUTE_MS, offsetAt, offsetSegments, standardOffsetAt, type OffsetSegment } from './zone-clock.js';

/**
 * C13: the calling windows as exact sets of instants. Each (rule set, candidate zone,
 * clock) is one constraint; an instant is allowed only if every constraint allows it.
 * A constraint's allowed instants are computed per constant-offset segment of its zone,
 * so a window that opens at 08:00 local on a DST transition day opens at the right UTC
 * instant, and the search for the next window needs no stepping.
 */

export interface HolidayLookup {
  state: string;
  /** the built-in calendar (undefined: the state has none) */
  builtIn: ReadonlyMap<string, string> | undefined;
  /** observed dates given in `facts.holidays` */
  extra: ReadonlySet<string>;
  /** years the built-in calendars cover; a date outside them is closed (fail closed) */
  from: number;
  to: number;
}

export interface WindowConstraint {
  rule: WindowRule;
  zone: string;
  clock: Clock;
  holidays: HolidayLookup | undefined;
}

export interface WindowContext {
  purpose: Purpose;
  zones: readonly string[];
  states: readonly string[];
  /** facts.holidays, state → dates */
  extraHolidays: Readonly<Record<string, readonly string[]>>;
  /** the instant the standard-time offsets are taken for */
  at: number;
}

/** The constraints for a call: federal (and, for telemarketing, each applicable state) × every candidate zone. */
export function windowConstraints(ctx: WindowContext, rules: RuleSet): WindowConstraint[] {
  const windowRules: WindowRule[] = [];
  if (rules.federalWindowAppliesTo.has(ctx.purpose)) windowRules.push(rules.federalWindow);
  if (rules.stateWindowsApplyTo.has(ctx.purpose)) {
    for (const state of ctx.states) {
      const rule = rules.stateWindows.get(state);
      if (rule !== undefined) windowRules.push(rule);
    }
  }
  const constraints: WindowConstraint[] = [];
  for (const rule of windowRules) {
    const holidays: HolidayLookup | undefined = rule.holidaysClosed
      ? {
          state: rule.id,
          builtIn: rules.holidays.byState.get(rule.id),
          extra: new Set(ctx.extraHolidays[rule.id] ?? []),
          from: rules.holidays.from,
          to: rules.holidays.to,
        }
      : undefined;
    for (const zone of ctx.zones) {
      for (const clock of rule.clocks) constraints.push({ rule, zone, clock, holidays });
    }
  }
  return constraints;
}

/** Computes allowed instants over a range, sharing the zones' offset segments between constraints. */
export class WindowCalculator {
  private readonly segments = new Map<string, OffsetSegment[]>();

  constructor(
    private readonly constraints: readonly WindowConstraint[],
    private readonly at: number,
    private readonly from: number,
    private readonly to: number,
  ) {}

  /** The instants in [from, to) that every constraint allows. */
  allowed(): Interval[] {
    let set: Interval[] = [[this.from, this.to]];
    for (const constraint of this.constraints) {
      set = intersect(set, this.allowedBy(constraint));
      if (set.length === 0) break;
    }
    return set;
  }

  /** The instants in [from, to) that one constraint allows. */
  allowedBy(constraint: WindowConstraint): Interval[] {
    const out: Interval[] = [];
    for (const segment of this.segmentsFor(constraint)) {
      const wallStart = segment.start + segment.offset;
      const wallEnd = segment.end + segment.offset;
      for (let day = floorDay(wallStart); day < wallEnd; day += DAY_MS) {
        const { window } = dayVerdict(constraint, day);
        if (window === null) continue;
        const start = day + window.start * MINUTE_MS - segment.offset;
        const end = day + window.end * MINUTE_MS - segment.offset;
        out.push([Math.max(start, segment.start), Math.min(end, segment.end)]);
      }
    }
    return normalize(out);
  }

  private segmentsFor(constraint: WindowConstraint): OffsetSegment[] {
    if (constraint.clock === 'STANDARD') {
      return [{ start: this.from, end: this.to, offset: standardOffsetAt(constraint.zone, this.at) }];
    }
    let segments = this.segments.get(constraint.zone);
    if (segments === undefined) {
      segments = offsetSegments(constraint.zone, this.from, this.to);
      this.segments.set(constraint.zone, segments);
    }
    return segments;
  }
}

/** Why a constraint does not allow `t`, for the reason's detail; undefined when it does. */
export function describeOutside(constraint: WindowConstraint, t: number, at: number): string | undefined {
  const offset = constraint.clock === 'STANDARD' ? standardOffsetAt(constraint.zone, at) : offsetAt(constraint.zone, t);
  const wall = t + offset;
  const day = floorDay(wall);
  const { window, closedBecause } = dayVerdict(constraint, day);
  const where = `${constraint.zone}${constraint.clock === 'STANDARD' ? ' standard time' : ''}`;
  const local = `${WEEKDAYS[new Date(day).getUTCDay()]} ${new Date(wall).toISOString().slice(0, 19).replace('T', ' ')}`;
  const label = constraint.rule.id === 'federal' ? 'federal' : `${constraint.rule.id} state`;
  if (window === null) return `${local} ${where}: ${closedBecause ?? 'no calls'}`;
  const minuteMs = wall - day;
  if (minuteMs >= window.start * MINUTE_MS && minuteMs < window.end * MINUTE_MS) return undefined;
  return `${local} ${where}: outside the ${label} window ${formatWindow(window)}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

function dayVerdict(constraint: WindowConstraint, day: number): { window: DayWindow | null; closedBecause?: string } {
  const { rule, holidays } = constraint;
  const who = (): string => (rule.id === 'federal' ? 'federal rules' : `${rule.id} rules`);
  if (holidays !== undefined) {
    const closed = holidayClosure(holidays, new Date(day).toISOString().slice(0, 10));
    if (closed !== undefined) return { window: null, closedBecause: `${closed}: no calls on holidays under ${who()}` };
  }
  const weekday = new Date(day).getUTCDay();
  const window = rule.days[weekday] ?? null;
  if (window === null) return { window, closedBecause: `no calls on ${WEEKDAY_NAMES[weekday]} under ${who()}` };
  return { window };
}

function holidayClosure(holidays: HolidayLookup, date: string): string | undefined {
  if (holidays.extra.has(date)) return `${date} is a ${holidays.state} holiday (facts.holidays)`;
  const year = Number(date.slice(0, 4));
  if (holidays.builtIn === undefined || year < holidays.from || year > holidays.to) {
    return `the ${holidays.state} holiday calendar does not cover ${year}`;
  }
  const name = holidays.builtIn.get(date);
  return name === undefined ? undefined : `${date} is a ${holidays.state} holiday (${name})`;
}

export function formatWindow(window: DayWindow): string {
  return `${hhmm(window.start)}–${hhmm(window.end)}`;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function floorDay(wall: number): number {
  return Math.floor(wall / DAY_MS) * DAY_MS;
}
