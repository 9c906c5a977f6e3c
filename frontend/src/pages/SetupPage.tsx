import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { FormError } from '../components/ui';
import { navigate } from '../lib/router';
import { needsSetup, setSession } from '../lib/session';

export const MIN_PASSWORD = 10;

/** First visit: create the first administrator with the setup code from the server's log. */
export function SetupPage() {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [touched, setTouched] = useState(false);

  const short = password.length > 0 && password.length < MIN_PASSWORD;
  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (password.length < MIN_PASSWORD || !username.trim() || !code.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setSession(
        await api.completeSetup({ username: username.trim(), password, setup_code: code.trim() }),
      );
      needsSetup.value = false;
      navigate('accounts', { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div class="auth-wrap">
      <form
        class="card auth-card auth-wide"
        onSubmit={submit}
        noValidate
        aria-labelledby="setup-title"
      >
        <h1 id="setup-title">Welcome to plm</h1>
        <p class="lead">Create the administrator account. You can add more people later.</p>
        <div class="field">
          <label for="setup-username">Username</label>
          <input
            id="setup-username"
            class="input"
            autoComplete="username"
            autoCapitalize="off"
            spellcheck={false}
            maxLength={64}
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="setup-password">Password</label>
          <input
            id="setup-password"
            class="input"
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD}
            required
            aria-describedby="setup-password-hint"
            aria-invalid={touched && password.length < MIN_PASSWORD ? 'true' : undefined}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <p id="setup-password-hint" class={`hint${short ? ' hint-warn' : ''}`}>
            At least {MIN_PASSWORD} characters{short ? ` (${password.length} so far)` : ''}. A few
            unrelated words make a good one.
          </p>
        </div>
        <div class="field">
          <label for="setup-code">Setup code</label>
          <input
            id="setup-code"
            class="input mono"
            autoComplete="one-time-code"
            autoCapitalize="off"
            spellcheck={false}
            required
            aria-describedby="setup-code-hint"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <p id="setup-code-hint" class="hint">
            <code>plm serve</code> printed a one-time setup code in its log when it started. It
            proves you run this server: look in the terminal or the service log (for example{' '}
            <code>journalctl -u plm</code>).
          </p>
        </div>
        <FormError
          error={
            error ??
            (touched && password.length < MIN_PASSWORD
              ? `The password needs at least ${MIN_PASSWORD} characters.`
              : touched && !code.trim()
                ? 'Enter the setup code from the server log.'
                : null)
          }
        />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </div>
  );
}
