import type { Account, Job } from '../api/client';
import { formatCount, formatDate, formatRelative } from '../lib/format';
import { JobProgress } from './JobProgress';
import { SyncFailure } from './SyncFailure';
import { Badge } from './ui';

interface Props {
  account: Account;
  job: Job | null;
  canWrite: boolean;
  busy?: boolean;
  /** Just connected: drawn with an accent border. */
  highlight?: boolean;
  onSync: () => void;
  onReconnect: () => void;
  onDisconnect: () => void;
}

/** "Authorization expires in 12 days" (or "expired"), for the card and tests. */
export function expiryText(a: Account): string | null {
  if (a.days_until_expiry === null) return null;
  const d = a.days_until_expiry;
  if (d < 0) return 'Authorization expired';
  if (d === 0) return 'Authorization expires today';
  return `Authorization expires in ${d} day${d === 1 ? '' : 's'}`;
}

/** One Spotify connection: health, expiry, last sync, and its actions. */
export function AccountCard({
  account: a,
  job,
  canWrite,
  busy,
  highlight,
  onSync,
  onReconnect,
  onDisconnect,
}: Props) {
  const needsReauth = a.status === 'needs_reauth';
  const syncing = job !== null || a.syncing === true;
  const expiry = expiryText(a);
  const headingId = `account-${a.id}-name`;
  return (
    <article
      class={`card account${needsReauth ? ' account-bad' : ''}${highlight ? ' account-new' : ''}`}
      aria-labelledby={headingId}
      data-testid="account-card"
    >
      <header class="account-head">
        <div class="avatar" aria-hidden="true">
          {avatarLetter(a.display_name || a.spotify_user_id)}
        </div>
        <div class="account-title">
          <h2 id={headingId}>{a.display_name || a.spotify_user_id}</h2>
          <div class="muted small">Spotify user {a.spotify_user_id}</div>
        </div>
        {needsReauth ? (
          <Badge kind="danger">Needs re-authorization</Badge>
        ) : (
          <Badge kind="ok">Active</Badge>
        )}
      </header>

      {needsReauth ? (
        <p class="notice notice-error small">
          Spotify no longer accepts this connection, so syncing has stopped. Reconnect to continue;
          your stored playlists and tags are kept.
        </p>
      ) : null}

      <dl class="facts">
        <div>
          <dt>Playlists</dt>
          <dd>{formatCount(a.playlist_count)}</dd>
        </div>
        <div>
          <dt>Last synced</dt>
          <dd title={a.last_synced_at ?? undefined}>{formatRelative(a.last_synced_at)}</dd>
        </div>
        <div>
          <dt>Authorized</dt>
          <dd>{a.authorized_at ? formatDate(a.authorized_at) : '—'}</dd>
        </div>
      </dl>

      {expiry ? (
        <p
          class={`expiry${a.expiry_warning ? ' expiry-warning' : ''}`}
          data-testid="expiry"
          role={a.expiry_warning ? 'note' : undefined}
        >
          {a.expiry_warning ? <span aria-hidden="true">⚠ </span> : null}
          {expiry}
          {a.authorization_expires_at ? ` (${formatDate(a.authorization_expires_at)})` : ''}.
          {a.expiry_warning && !needsReauth
            ? ' Spotify ends every authorization after six months: reconnect before then to keep syncing.'
            : ''}
        </p>
      ) : null}

      {syncing ? (
        <JobProgress job={job} label={`Sync of ${a.display_name || a.spotify_user_id}`} />
      ) : null}

      <SyncFailure
        account={a}
        canRetry={canWrite && !needsReauth && !syncing && !busy}
        onRetry={onSync}
      />

      {canWrite ? (
        <div class="actions">
          <button
            type="button"
            class="btn btn-primary"
            onClick={onSync}
            disabled={needsReauth || syncing || busy}
          >
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>
          <button
            type="button"
            class={`btn${needsReauth || a.expiry_warning ? ' btn-primary-outline' : ''}`}
            onClick={onReconnect}
            disabled={busy}
          >
            Reconnect
          </button>
          <button type="button" class="btn btn-ghost-danger" onClick={onDisconnect} disabled={busy}>
            Disconnect
          </button>
        </div>
      ) : null}
    </article>
  );
}

/** The first character (code point, so an emoji stays whole) of a name, upper-cased. */
export function avatarLetter(name: string): string {
  return ([...name][0] ?? '?').toUpperCase();
}
