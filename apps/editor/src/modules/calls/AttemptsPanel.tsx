import type { Call } from '@switchboard/contracts';
import { useEffect, useState } from 'react';
import { hrefOf } from '../../router.js';
import { listCalls } from './api.js';
import { attemptsOfContact, listTime } from './call-view.js';
import { StatusPill } from './StatusPill.js';

/**
 * Every call placed for this campaign contact (each retry is a call; a pause returns a waiting call
 * and plans it again as a new one), the one shown marked: the contact's newest 100 calls.
 */
export function AttemptsPanel({ call }: { call: Call }) {
  const [attempts, setAttempts] = useState<Call[] | null>(null);
  const [partial, setPartial] = useState(false);
  const { campaignId, contactId, status } = call;

  useEffect(() => {
    if (!campaignId || !contactId) return;
    const controller = new AbortController();
    listCalls({ contactId, limit: 100 }, controller.signal)
      .then((page) => {
        setAttempts(attemptsOfContact(page.items, contactId));
        setPartial(page.nextCursor !== null);
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [campaignId, contactId, status]);

  if (!campaignId || !contactId || !attempts || attempts.length === 0) return null;
  return (
    <section aria-label="Attempts" data-testid="call-attempts">
      <h2>Calls to this contact</h2>
      <div className="table-scroll">
        <table className="data-table compact">
          <thead>
            <tr>
              <th scope="col">Planned for</th>
              <th scope="col">Attempt</th>
              <th scope="col">Status</th>
              <th scope="col">Disposition</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a) => (
              <tr
                key={a.id}
                aria-current={a.id === call.id ? 'true' : undefined}
                className={a.id === call.id ? 'current-row' : ''}
              >
                <td className="nowrap">
                  {a.id === call.id ? (
                    <strong>{listTime(a.scheduledFor ?? a.createdAt)} (this call)</strong>
                  ) : (
                    <a href={hrefOf({ name: 'call', id: a.id })}>{listTime(a.scheduledFor ?? a.createdAt)}</a>
                  )}
                </td>
                <td className="num">{a.attempt}</td>
                <td>
                  <StatusPill status={a.status} />
                </td>
                <td>{a.disposition?.replace(/_/g, ' ') ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {partial && <p className="hint">Only the contact's newest 100 calls are shown.</p>}
    </section>
  );
}
