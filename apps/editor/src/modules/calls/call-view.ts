/** What the call page shows, from the loosely typed parts of a call (transcript, events). Pure. */

export interface Bubble {
  speaker: 'agent' | 'callee' | 'system';
  text: string;
  at: string | null;
  nodeId: string | null;
}

const record = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The worker's transcript (libs/flow `TranscriptEntry`: speaker, text, kind, at, nodeId) as chat
 * bubbles. Keypad digits, silences and hang-ups are callee turns without words: they are shown as
 * what happened rather than as an empty bubble. Entries of an unknown shape are kept, as system lines.
 */
export function transcriptBubbles(transcript: readonly unknown[]): Bubble[] {
  return transcript.map((entry): Bubble => {
    const e = record(entry);
    if (!e)
      return {
        speaker: 'system',
        text: typeof entry === 'string' ? entry : JSON.stringify(entry),
        at: null,
        nodeId: null,
      };
    const speaker = e.speaker === 'agent' || e.speaker === 'callee' ? e.speaker : 'system';
    const kind = text(e.kind) ?? 'speech';
    const words = text(e.text) ?? '';
    const shown =
      kind === 'dtmf'
        ? `(keypad: ${words})`
        : kind === 'silence'
          ? '(silence)'
          : kind === 'hangup'
            ? '(hung up)'
            : words || JSON.stringify(entry);
    return { speaker, text: shown, at: text(e.at), nodeId: text(e.nodeId) };
  });
}

export interface EventRow {
  seq: number | null;
  type: string;
  at: string | null;
  /** the event's other fields, compact */
  detail: string;
}

export function eventRows(events: readonly unknown[]): EventRow[] {
  return events.map((event) => {
    const e = record(event) ?? { value: event };
    const { seq, type, at, ...rest } = e;
    return {
      seq: typeof seq === 'number' ? seq : null,
      type: text(type) ?? 'event',
      at: text(at),
      detail: Object.keys(rest).length > 0 ? JSON.stringify(rest) : '',
    };
  });
}

/** A colour family per status, for the status pill. */
export function statusTone(status: string): 'ok' | 'bad' | 'warn' | 'wait' | 'live' | 'off' {
  switch (status) {
    case 'completed':
      return 'ok';
    case 'failed':
    case 'blocked':
      return 'bad';
    case 'no_answer':
    case 'busy':
    case 'voicemail':
    case 'expired':
    case 'paused':
      return 'warn';
    case 'dialing':
    case 'in_progress':
    case 'running':
      return 'live';
    case 'cancelled':
      return 'off';
    default:
      return 'wait';
  }
}

/** Variables as sorted rows, values as JSON except plain strings. */
export function variableRows(variables: Record<string, unknown>): Array<{ name: string; value: string }> {
  return Object.entries(variables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value) }));
}

export const formatTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

/** statuses a call still leaves on its own (the call page follows them) */
export const MOVING_STATUSES: ReadonlySet<string> = new Set([
  'pending',
  'scheduled',
  'queued',
  'dialing',
  'in_progress',
]);
/** statuses that change within seconds: a list showing one of them is read again every 2 s */
export const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['queued', 'dialing', 'in_progress']);
/** statuses before dialling: the call may still be cancelled */
export const CANCELLABLE_STATUSES: ReadonlySet<string> = new Set(['pending', 'scheduled', 'queued']);

/**
 * What an empty transcript or path means, by status: a blocked or cancelled call was never dialled,
 * a waiting one has not been yet, a finished one had nothing said (voicemail, no answer).
 */
export function emptyCallText(status: string, what: 'transcript' | 'path'): string {
  const nothing = what === 'transcript' ? 'Nothing was said' : 'No node was reached';
  switch (status) {
    case 'blocked':
      return 'Never dialled: the compliance gate blocked it (see the decision above).';
    case 'cancelled':
      return 'Never dialled: cancelled before its turn.';
    case 'expired':
      return 'Never dialled: it expired before an allowed time came.';
    case 'pending':
    case 'scheduled':
    case 'queued':
      return 'Not dialled yet.';
    case 'dialing':
    case 'in_progress':
      return `${nothing} yet.`;
    default:
      return `${nothing}.`;
  }
}

/** An event's time: the clock time when it is on the day the call was created, else date and time. */
export function eventTime(at: string | null, createdAt: string): string {
  if (!at) return '—';
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) return at;
  return when.toDateString() === new Date(createdAt).toDateString() ? when.toLocaleTimeString() : when.toLocaleString();
}

/** A time in a list: the clock time when it is today, else a short date and the time (no wrapping). */
export function listTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '—';
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  return when.toDateString() === now.toDateString()
    ? when.toLocaleTimeString()
    : when.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** How a gate outcome reads: allowed, deferred (a later time is fine), blocked. */
export function outcomeTone(outcome: string): 'ok' | 'warn' | 'bad' {
  if (outcome === 'ALLOWED') return 'ok';
  if (outcome === 'DEFERRED') return 'warn';
  return 'bad';
}

/** The decision log's records of one call, oldest first (the log is searched by number, newest first). */
export function decisionsOfCall<T extends { callId: string | null; seq: number }>(
  records: readonly T[],
  callId: string,
): T[] {
  return records.filter((r) => r.callId === callId).sort((a, b) => a.seq - b.seq);
}

/** The calls (attempts) of one campaign contact, oldest first. */
export function attemptsOfContact<T extends { contactId: string | null; createdAt: string; attempt: number }>(
  calls: readonly T[],
  contactId: string,
): T[] {
  return calls
    .filter((c) => c.contactId === contactId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.attempt - b.attempt);
}
