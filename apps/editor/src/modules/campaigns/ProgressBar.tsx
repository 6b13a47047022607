import type { CounterView } from './counters.js';

/** Contacts in a final state, one coloured segment per state; the label says it in words. */
export function ProgressBar({ view }: { view: CounterView }) {
  const label = `${view.done} of ${view.total} contacts done (${view.percent}%)`;
  return (
    <div className="progress" title={label}>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={view.percent}
        aria-label={label}
      >
        {view.segments.map((s) => (
          <span
            key={s.state}
            className={`progress-segment state-${s.state}`}
            style={{ width: `${s.width}%` }}
            title={`${s.label}: ${s.count}`}
          />
        ))}
      </div>
      <span className="progress-label">
        {view.done}/{view.total} · {view.percent}%
      </span>
    </div>
  );
}
