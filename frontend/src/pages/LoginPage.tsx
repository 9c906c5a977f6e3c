import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../api/client';
import { formatWait } from '../lib/format';
import { navigate } from '../lib/router';
import { setSession } from '../lib/session';

/** Sign-in. Explains a wrong password and, when throttled, how long to wait (live countdown). */
export function LoginPage({ next }: { next: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (waitUntil === null) return;
    const id = setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t >= waitUntil) {
        setWaitUntil(null);
        setError(null);
      }
    }, 1000);
    return () => clearInterval(id);
  }, [waitUntil]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || waitUntil !== null) return;
    setBusy(true);
    setError(null);
    try {
      setSession(await api.signIn({ username: username.trim(), password }));
      navigate(next, { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 401) {
        setError('Wrong username or password.');
        setPassword('');
      } else if (err instanceof ApiError && err.status === 429) {
        const seconds = err.retryAfter ?? 60;
        setNow(Date.now());
        setWaitUntil(Date.now() + seconds * 1000);
        setError('Too many failed sign-in attempts.');
      } else {
        setError(describeError(err));
      }
    }
  };

  const remaining = waitUntil === null ? 0 : Math.max(1, Math.ceil((waitUntil - now) / 1000));
  return (
    <div class="auth-wrap">
      <form class="card auth-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">Sign in to plm</h1>
        <div class="field">
          <label for="login-username">Username</label>
          <input
            id="login-username"
            class="input"
            name="username"
            autoComplete="username"
            autoCapitalize="off"
            spellcheck={false}
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input
            id="login-password"
            class="input"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        {error ? (
          <div class="form-error" role="alert" data-testid="login-error">
            {error}
            {waitUntil !== null ? ` Try again in ${formatWait(remaining)}.` : null}
          </div>
        ) : null}
        <button
          type="submit"
          class="btn btn-primary btn-block"
          disabled={busy || waitUntil !== null || username.trim() === '' || password === ''}
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="hint">
          Forgot your password? An administrator can reset it on the Users page, or on the server
          with <code>plm user</code>.
        </p>
      </form>
    </div>
  );
}
