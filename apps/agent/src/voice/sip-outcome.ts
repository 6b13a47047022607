import type { AnsweredBy, TransferResult } from '@switchboard/flow';

/** How an outbound dial that did not connect ended, from the SIP final response. */
export type UnansweredBy = Exclude<AnsweredBy, 'human' | 'voicemail'>;

/**
 * The SIP final response of a failed INVITE → how the call was answered. 486 and 600 mean the
 * callee's line is busy; 408, 480 and 487 (our own CANCEL after the ringing timeout) mean nobody
 * picked up; everything else (404, 403, 503, 603 declined…) is a failure the retry policy must
 * not treat as "try again later".
 */
export function unansweredBy(sipStatusCode: number | undefined): UnansweredBy {
  if (sipStatusCode === 486 || sipStatusCode === 600) return 'busy';
  if (sipStatusCode === 408 || sipStatusCode === 480 || sipStatusCode === 487) return 'no_answer';
  return 'failed';
}

/** The same SIP codes for a transfer (REFER) the far end did not accept. */
export function transferResultOf(sipStatusCode: number | undefined): Exclude<TransferResult, 'connected'> {
  const outcome = unansweredBy(sipStatusCode);
  return outcome === 'busy' || outcome === 'no_answer' ? outcome : 'failed';
}

const VOICEMAIL_GREETING =
  /\b(leave (me |us )?(a |your )?(message|voicemail)|after the (tone|beep)|(is )?not available|voice ?mail|mailbox|can'?t (come to|take) (the|your) (phone|call)|unable to (answer|take)|record your message|at the tone)\b/i;

/**
 * The answering-machine heuristic on the callee's first utterance: greetings of voicemail
 * systems and recorded personal greetings ("…leave a message after the tone"). Used when
 * the SIP trunk does not tell (see `answeredByAttribute`).
 */
export function classifyGreeting(text: string): 'human' | 'voicemail' {
  return VOICEMAIL_GREETING.test(text) ? 'voicemail' : 'human';
}

/**
 * Carriers with answering-machine detection report it in a SIP header that the trunk maps to a
 * participant attribute (`headers_to_attributes`, e.g. `X-Answered-By` → `sip.answeredBy`).
 * Values are provider-specific: `machine_*`, `fax`, `voicemail` → voicemail; `human` → human.
 */
export function answeredByAttribute(attributes: Record<string, string>): 'human' | 'voicemail' | undefined {
  const value = (attributes['sip.answeredBy'] ?? attributes['answered_by'] ?? attributes['x-answered-by'] ?? '')
    .trim()
    .toLowerCase();
  if (!value) return undefined;
  if (value === 'human') return 'human';
  if (value.startsWith('machine') || value === 'fax' || value === 'voicemail') return 'voicemail';
  return undefined;
}
