import { useState } from 'preact/hooks';
import { api, describeError, sessionEnded } from '../api/client';
import { FormError } from '../components/ui';
import { formatDate, formatDateTime } from '../lib/format';
import { useResource } from '../lib/resource';
import { refreshSession, session } from '../lib/session';
import { notify } from '../lib/toast';
import { MIN_PASSWORD } from './SetupPage';

const roleText = {
  admin: 'Administrator: can do everything, including managing users.',
  editor: 'Editor: can connect Spotify accounts, sync and tag playlists.',
  viewer: 'Viewer: can look at everything but change nothing.',
} as const;

export function SettingsPage() {
  // The session's end moves with activity and the role may have changed since it was read at
  // start: read both again when the page opens (refreshSession stores them in `session`).
  const { error: refreshError } = useResource(async () => {
    const fresh = await refreshSession();
    if (!fresh) sessionEnded();
    return fresh;
  });
  const info = session.value;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (!info) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (next.length < MIN_PASSWORD)
      return setError(`The new password needs at least ${MIN_PASSWORD} characters.`);
    if (next !== confirm) return setError('The two new passwords differ.');
    setBusy(true);
    setError(null);
    try {
      await api.changePassword({ current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      notify('Password changed. Your other sessions were signed out.', 'success');
      // The session was rotated: read its new expiry (and role) back.
      refreshSession().catch(() => undefined);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page narrow">
      <div class="page-head">
        <h1>Settings</h1>
      </div>
      <section class="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Your account</h2>
        <dl class="facts">
          <div>
            <dt>Username</dt>
            <dd>{info.user.username}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>{info.user.role}</dd>
          </div>
          <div>
            <dt>Member since</dt>
            <dd>{formatDate(info.user.created_at)}</dd>
          </div>
          <div>
            <dt>Session ends</dt>
            <dd>{formatDateTime(info.expires_at)}</dd>
          </div>
        </dl>
        <p class="muted small">{roleText[info.user.role]}</p>
        {refreshError ? (
          <p class="muted small">
            Shown as read at sign-in; re-reading failed: {describeError(refreshError)}
          </p>
        ) : null}
      </section>
      <form class="card" onSubmit={submit} noValidate aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <input type="text" autoComplete="username" value={info.user.username} hidden readOnly />
        <div class="field">
          <label for="pw-current">Current password</label>
          <input
            id="pw-current"
            class="input"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="pw-new">New password</label>
          <input
            id="pw-new"
            class="input"
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD}
            required
            aria-describedby="pw-new-hint"
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
          <p id="pw-new-hint" class="hint">
            At least {MIN_PASSWORD} characters. Your other sessions will be signed out.
          </p>
        </div>
        <div class="field">
          <label for="pw-confirm">Repeat the new password</label>
          <input
            id="pw-confirm"
            class="input"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onInput={(e) => setConfirm(e.currentTarget.value)}
          />
        </div>
        <FormError error={error} />
        <button type="submit" class="btn btn-primary" disabled={busy || !current || !next}>
          {busy ? 'Saving…' : 'Change password'}
        </button>
      </form>
    </div>
  );
}
