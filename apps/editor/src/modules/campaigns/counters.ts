import { WEEKDAYS, type Campaign, type CampaignCounters, type CampaignStatus, type ContactState } from './types.js';

/** The counters in the order an operator reads them: what waits, what moves, how it ended. */
export const COUNTER_ROWS: ReadonlyArray<{ key: CounterKey; state: ContactState; label: string; final: boolean }> = [
  { key: 'pending', state: 'pending', label: 'Pending', final: false },
  { key: 'scheduled', state: 'scheduled', label: 'Scheduled', final: false },
  { key: 'queued', state: 'queued', label: 'Queued', final: false },
  { key: 'inProgress', state: 'in_progress', label: 'In progress', final: false },
  { key: 'completed', state: 'completed', label: 'Completed', final: true },
  { key: 'failed', state: 'failed', label: 'Failed', final: true },
  { key: 'blocked', state: 'blocked', label: 'Blocked', final: true },
  { key: 'expired', state: 'expired', label: 'Expired', final: true },
  { key: 'cancelled', state: 'cancelled', label: 'Cancelled', final: true },
];
type CounterKey = Exclude<keyof CampaignCounters, 'contacts' | 'byDisposition' | 'blockedByReason'>;

export interface CounterView {
  total: number;
  /** contacts in a final state */
  done: number;
  /** whole percent of contacts in a final state (0 with no contacts) */
  percent: number;
  /**
   * contacts in no state row (`total` minus the rows' sum): 0 unless the API's counts disagree,
   * which the panel then says rather than showing counters that do not add up
   */
  unaccounted: number;
  rows: Array<{ key: CounterKey; state: ContactState; label: string; count: number; final: boolean }>;
  /** the progress bar: one segment per non-empty final state, widths in percent of all contacts */
  segments: Array<{ state: ContactState; label: string; count: number; width: number }>;
  /** most frequent first, then by name */
  dispositions: Array<{ name: string; count: number }>;
  blockedReasons: Array<{ code: string; count: number }>;
}

const byCount = (entries: Record<string, number> | undefined) =>
  Object.entries(entries ?? {})
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));

export function counterView(counters: CampaignCounters | undefined): CounterView {
  const rows = COUNTER_ROWS.map((row) => ({ ...row, count: counters?.[row.key] ?? 0 }));
  // `contacts` is authoritative; the sum covers an older API that does not send it
  const total = counters?.contacts ?? rows.reduce((sum, row) => sum + row.count, 0);
  const done = rows.filter((row) => row.final).reduce((sum, row) => sum + row.count, 0);
  const unaccounted = total - rows.reduce((sum, row) => sum + row.count, 0);
  const percent = total === 0 ? 0 : Math.floor((done / total) * 100);
  const segments = rows
    .filter((row) => row.final && row.count > 0)
    .map((row) => ({
      state: row.state,
      label: row.label,
      count: row.count,
      width: total === 0 ? 0 : Math.round((row.count / total) * 1000) / 10,
    }));
  return {
    total,
    done,
    percent,
    unaccounted,
    rows,
    segments,
    dispositions: byCount(counters?.byDisposition).map(([name, count]) => ({ name, count })),
    blockedReasons: byCount(counters?.blockedByReason).map(([code, count]) => ({ code, count })),
  };
}

export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel';

/** The buttons of the campaign header: only the transitions the API accepts from this status. */
export function campaignActions(status: CampaignStatus): CampaignAction[] {
  switch (status) {
    case 'draft':
      return ['start', 'cancel'];
    case 'running':
      return ['pause', 'cancel'];
    case 'paused':
      return ['resume', 'cancel'];
    case 'completed':
    case 'cancelled':
      return [];
  }
}

export const ACTION_LABELS: Record<CampaignAction, string> = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel campaign',
};

/**
 * Why an offered action cannot be taken yet (the button is disabled with this as its title), or null.
 * A campaign without contacts cannot start: the API refuses it (CAMPAIGN_NO_CONTACTS).
 */
export function actionBlocker(action: CampaignAction, counters: CampaignCounters | undefined): string | null {
  if (action === 'start' && (counters?.contacts ?? 0) === 0) return 'Add contacts first';
  return null;
}

/**
 * Counters move on their own while the campaign runs, and after a pause or a cancel while calls
 * already dialled are still in progress (they finish; a pause returns only the waiting ones).
 */
export const isLive = (status: CampaignStatus, counters?: CampaignCounters): boolean =>
  status === 'running' || (counters?.inProgress ?? 0) > 0;

/** A weekday's short name, as the window is written on the campaign pages and form. */
export const DAY_NAMES: Record<string, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** The operator window in words: "Mon–Fri 09:00–18:00", "every day 08:00–21:00", "Mon, Wed 10:00–12:00". */
export function describeWindow(window: Campaign['window']): string {
  if (!window) return 'the legal window only';
  const days = WEEKDAYS.filter((d) => window.days.length === 0 || window.days.includes(d));
  const hours = `${window.start}–${window.end}`;
  if (days.length === WEEKDAYS.length) return `every day ${hours}`;
  // a run of three or more days in week order reads as a range
  const indexes = days.map((d) => WEEKDAYS.indexOf(d));
  const contiguous = indexes.every((n, i) => i === 0 || n === indexes[i - 1]! + 1);
  const named =
    contiguous && days.length >= 3
      ? `${DAY_NAMES[days[0]!]}–${DAY_NAMES[days.at(-1)!]}`
      : days.map((d) => DAY_NAMES[d]).join(', ');
  return `${named} ${hours}`;
}

export const POLL_MS = 2_000;
