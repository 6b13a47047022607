import { counterView } from './counters.js';
import { ProgressBar } from './ProgressBar.js';
import type { CampaignCounters } from './types.js';

/**
 * Every counter of the campaign, its outcomes by disposition and its blocks by reason. Each contact
 * is in exactly one state, so the state counters add up to the contacts; if the API's counts ever
 * disagree the panel says so instead of showing numbers that do not add up.
 */
export function CountersPanel({ counters, live }: { counters: CampaignCounters | undefined; live: boolean }) {
  const view = counterView(counters);
  return (
    <section className="counters" aria-label="Progress" data-testid="counters">
      <h2>
        Progress{' '}
        <span className="counters-total">
          · <span data-testid="counter-contacts">{view.total}</span> contact{view.total === 1 ? '' : 's'}
        </span>{' '}
        {live && (
          <span className="live-dot" role="img" aria-label="updating every 2 seconds" title="updating every 2 s" />
        )}
      </h2>
      <ProgressBar view={view} />
      <dl className="counter-grid">
        {view.rows.map((row) => (
          <div key={row.key} className={`counter state-${row.state}${row.count > 0 ? '' : ' is-zero'}`}>
            <dt>{row.label}</dt>
            <dd data-testid={`counter-${row.state}`}>{row.count}</dd>
          </div>
        ))}
      </dl>
      {view.unaccounted !== 0 && (
        <p role="status" className="error-text" data-testid="counters-mismatch">
          The states add up to {view.total - view.unaccounted}, not to the {view.total} contacts the API counts: the
          counters are inconsistent, trust the contacts table below.
        </p>
      )}
      <div className="counter-breakdowns">
        <div>
          <h3>Finished contacts by disposition</h3>
          {view.dispositions.length === 0 ? (
            <p className="muted">No call has ended yet.</p>
          ) : (
            <table className="data-table compact" data-testid="by-disposition">
              <tbody>
                {view.dispositions.map((d) => (
                  <tr key={d.name}>
                    <td>{d.name.replace(/_/g, ' ')}</td>
                    <td className="num">{d.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3>Blocked by reason</h3>
          {view.blockedReasons.length > 1 && (
            <p className="hint">A contact blocked for several reasons counts under each.</p>
          )}
          {view.blockedReasons.length === 0 ? (
            <p className="muted">Nothing blocked.</p>
          ) : (
            <table className="data-table compact" data-testid="blocked-by-reason">
              <tbody>
                {view.blockedReasons.map((r) => (
                  <tr key={r.code}>
                    <td>
                      <code>{r.code}</code>
                    </td>
                    <td className="num">{r.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}
