import { counterView } from './counters.js';
import { ProgressBar } from './ProgressBar.js';
import type { CampaignCounters } from './types.js';

/** Every counter of the campaign, its outcomes by disposition and its blocks by reason. */
export function CountersPanel({ counters, live }: { counters: CampaignCounters | undefined; live: boolean }) {
  const view = counterView(counters);
  return (
    <section className="counters" aria-label="Counters" data-testid="counters">
      <h2>
        Contacts{' '}
        {live && <span className="live-dot" aria-label="updating every 2 seconds" title="updating every 2 s" />}
      </h2>
      <ProgressBar view={view} />
      <dl className="counter-grid">
        <div className="counter">
          <dt>Contacts</dt>
          <dd data-testid="counter-contacts">{view.total}</dd>
        </div>
        {view.rows.map((row) => (
          <div key={row.key} className={`counter state-${row.state}${row.count > 0 ? '' : ' is-zero'}`}>
            <dt>{row.label}</dt>
            <dd data-testid={`counter-${row.state}`}>{row.count}</dd>
          </div>
        ))}
      </dl>
      <div className="counter-breakdowns">
        <div>
          <h3>By disposition</h3>
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
