import { statusTone } from './call-view.js';

/** A call's, contact's or campaign's status, coloured by what it means for the operator. */
export function StatusPill({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`status-pill tone-${statusTone(status)}`} data-testid={testId}>
      {status.replace(/_/g, ' ')}
    </span>
  );
}
