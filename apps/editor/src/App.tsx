import { useEffect, useState } from 'react';
import { type HealthView, fetchHealth } from './api/health.js';

const REFRESH_MS = 10_000;

function useApiHealth(): HealthView {
  const [view, setView] = useState<HealthView>({ state: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    const refresh = () => {
      void fetchHealth(controller.signal).then((next) => {
        if (!controller.signal.aborted) setView(next);
      });
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, []);
  return view;
}

const HEADLINE: Record<HealthView['state'], string> = {
  loading: 'Checking the API…',
  ok: 'API healthy',
  degraded: 'API degraded',
  unreachable: 'API unreachable',
};

export function App() {
  const health = useApiHealth();
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '4rem auto', padding: '0 1rem' }}>
      <h1>Switchboard</h1>
      <p>Design, test and run AI voice-agent call flows.</p>
      <section aria-labelledby="health-title" style={{ border: '1px solid #ccc', borderRadius: 8, padding: '1rem' }}>
        <h2 id="health-title" style={{ marginTop: 0 }}>
          {HEADLINE[health.state]}
        </h2>
        {health.state === 'unreachable' && <p role="alert">{health.message}</p>}
        {(health.state === 'ok' || health.state === 'degraded') && (
          <ul>
            {health.services.map((service) => (
              <li key={service.name}>
                <span aria-hidden>{service.up ? '●' : '○'}</span> {service.name}: {service.up ? 'up' : 'down'} (
                {service.detail})
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
