import { useState } from 'react';
import { HttpError, session } from '../api/client.js';
import { login } from '../api/flows.js';
import { navigate } from '../router.js';

export function LoginPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="page login">
      <h1>Switchboard</h1>
      <p>Design, test and publish AI voice-agent call flows.</p>
      <form
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          login(email, password)
            .then((answer) => {
              session.set(answer.token, answer.organization.name, answer.user.email);
              if (window.location.hash.startsWith('#/login') || !window.location.hash) navigate({ name: 'flows' });
              onSignedIn();
            })
            .catch((err: unknown) =>
              setError(
                err instanceof HttpError && err.status === 401
                  ? 'Wrong email or password.'
                  : err instanceof Error
                    ? err.message
                    : String(err),
              ),
            )
            .finally(() => setBusy(false));
        }}
      >
        <div className="field">
          <label htmlFor="email">Email</label>
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
