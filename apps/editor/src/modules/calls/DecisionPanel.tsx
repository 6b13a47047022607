import type { Call, ComplianceDecisionRecord } from '@switchboard/contracts';
import { useEffect, useState } from 'react';
import { listDecisions } from './api.js';
import { decisionsOfCall, formatTime, outcomeTone } from './call-view.js';

type Reason = NonNullable<Call['lastDecision']>['reasons'][number];

function Reasons({ reasons, testId }: { reasons: readonly Reason[]; testId?: string }) {
  if (reasons.length === 0) return <p className="muted">Every check passed.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table compact" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Code</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {reasons.map((r, i) => (
            <tr key={i}>
              <td>{r.check}</td>
              <td>
                <code>
                  {r.code}
                  {r.subCode ? `/${r.subCode}` : ''}
                </code>
              </td>
              <td>{r.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const Outcome = ({ outcome, testId }: { outcome: string; testId?: string }) => (
  <code className={`outcome-${outcomeTone(outcome)}`} data-testid={testId}>
    {outcome}
  </code>
);

const MODES: Record<string, string> = {
  SCHEDULE: 'when planned',
  DIAL_NOW: 'at dial time',
};

/**
 * The compliance gate on this call: its last outcome with the reasons, and — for people who may
 * read the decision log (compliance:read) — every decision of the call in order (planned, then again
 * at dial time), each with its outcome and reasons.
 */
export function DecisionPanel({ call, readsLog }: { call: Call; readsLog: boolean }) {
  const decision = call.lastDecision;
  const [log, setLog] = useState<ComplianceDecisionRecord[] | null>(null);
  const [logError, setLogError] = useState<string | null>(null);
  const count = call.decisionIds.length;

  useEffect(() => {
    if (!readsLog || count === 0) return;
    const controller = new AbortController();
    // the gate decides just before the call row is written: look a little earlier
    const from = new Date(new Date(call.createdAt).getTime() - 60 * 60_000).toISOString();
    listDecisions(call.to, from, controller.signal)
      .then((page) => setLog(decisionsOfCall(page.items, call.id)))
      .catch((e: unknown) => !controller.signal.aborted && setLogError(e instanceof Error ? e.message : String(e)));
    return () => controller.abort();
  }, [readsLog, call.id, call.to, call.createdAt, count]);

  return (
    <section aria-label="Compliance decision" className="decision" data-testid="call-decision">
      <h2>Compliance gate</h2>
      {decision ? (
        <>
          <p>
            <Outcome outcome={decision.outcome} testId="call-outcome" />
            {decision.nextAllowedAt && <> · next allowed {formatTime(decision.nextAllowedAt)}</>}
            <span className="muted">
              {' '}
              · last of {count} decision{count === 1 ? '' : 's'} · rules {decision.ruleSetVersion}
            </span>
          </p>
          <Reasons reasons={decision.reasons} testId="call-reasons" />
        </>
      ) : (
        <p className="muted">Not gated yet.</p>
      )}
      {readsLog && log && log.length > 0 && (
        <>
          <h3>Every decision of this call</h3>
          <ol className="decision-log" data-testid="call-decisions">
            {log.map((d) => (
              <li key={d.id}>
                <p>
                  <span className="muted">{formatTime(d.createdAt)}</span> · {MODES[d.mode] ?? d.mode.toLowerCase()} ·{' '}
                  <Outcome outcome={d.outcome} />
                  {d.nextAllowedAt && <> · next allowed {formatTime(d.nextAllowedAt)}</>}
                  <span className="muted small"> · #{d.seq}</span>
                </p>
                {d.reasons.length > 0 && <Reasons reasons={d.reasons} />}
              </li>
            ))}
          </ol>
        </>
      )}
      {logError && <p className="hint">The decision log could not be read: {logError}</p>}
      {!readsLog && count > 1 && (
        <p className="hint">
          The earlier decisions of this call are in the compliance decision log (compliance and admin roles).
        </p>
      )}
    </section>
  );
}
