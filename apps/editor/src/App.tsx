import { lazy, Suspense, useEffect, useReducer } from 'react';
import { session, setUnauthorizedHandler } from './api/client.js';
import { logout } from './api/flows.js';
import { CallPage } from './pages/CallPage.js';
import { CallsPage } from './pages/CallsPage.js';
import { CampaignPage } from './pages/CampaignPage.js';
import { CampaignsPage } from './pages/CampaignsPage.js';
import { FlowsPage } from './pages/FlowsPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { hrefOf, navigate, useRoute } from './router.js';

// The canvas, the flow library and its checks are the bulk of the code: loaded with the first flow opened.
const EditorPage = lazy(() => import('./pages/EditorPage.js').then((m) => ({ default: m.EditorPage })));

export function App() {
  const route = useRoute();
  // signing in or out changes sessionStorage, which React does not watch
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const signedIn = session.token !== null;
  useEffect(() => setUnauthorizedHandler(() => navigate({ name: 'login' })), []);
  useEffect(() => {
    if (!signedIn && route.name !== 'login') navigate({ name: 'login' });
  }, [signedIn, route.name]);

  if (!signedIn || route.name === 'login') return <LoginPage onSignedIn={refresh} />;
  const who = session.who();
  return (
    <div className="app">
      <nav className="topbar" aria-label="Main">
        <a href={hrefOf({ name: 'flows' })} className="brand">
          Switchboard
        </a>
        <ul className="nav-links">
          {(
            [
              ['flows', 'Flows', route.name === 'flows' || route.name === 'editor'],
              ['campaigns', 'Campaigns', route.name === 'campaigns' || route.name === 'campaign'],
              ['calls', 'Calls', route.name === 'calls' || route.name === 'call'],
            ] as const
          ).map(([name, label, current]) => (
            <li key={name}>
              <a href={hrefOf({ name })} aria-current={current ? 'page' : undefined} data-testid={`nav-${name}`}>
                {label}
              </a>
            </li>
          ))}
        </ul>
        <span className="muted">
          {who?.email} · {who?.organization}
        </span>
        <button
          type="button"
          onClick={() => {
            void logout()
              .catch(() => undefined)
              .finally(() => {
                session.clear();
                navigate({ name: 'login' });
                refresh();
              });
          }}
        >
          Sign out
        </button>
      </nav>
      {route.name === 'editor' ? (
        <Suspense fallback={<main className="page">Loading the editor…</main>}>
          <EditorPage id={route.id} />
        </Suspense>
      ) : route.name === 'campaigns' ? (
        <CampaignsPage />
      ) : route.name === 'campaign' ? (
        <CampaignPage key={route.id} id={route.id} />
      ) : route.name === 'calls' ? (
        <CallsPage {...(route.campaignId ? { campaignId: route.campaignId } : {})} />
      ) : route.name === 'call' ? (
        <CallPage key={route.id} id={route.id} />
      ) : (
        <FlowsPage />
      )}
    </div>
  );
}
