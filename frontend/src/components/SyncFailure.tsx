import type { Account } from '../api/client';
import { formatRelative } from '../lib/format';
import { Link } from './Link';

/** What the account's last ended sync left behind, for people; null when it succeeded. */
export function syncFailureText(a: Account, now: Date = new Date()): string | null {
  const f = a.last_sync_failure;
  if (!f) return null;
  const when = formatRelative(f.ended_at, now);
  if (f.code === 'cancelled') return `The last sync was cancelled (${when}) before it finished.`;
  return `The last sync failed (${when}): ${sentence(f.message)}`;
}

function sentence(text: string): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * The failure of the account's last sync, shown until a sync succeeds (the server clears
 * Account.last_sync_failure then), with the job's details and a Retry button. A toast alone would
 * be gone by the time someone looks.
 */
export function SyncFailure({
  account: a,
  onRetry,
  canRetry,
  compact,
}: {
  account: Account;
  onRetry: () => void;
  /** False while a sync runs (it is the retry), for viewers, and while the account needs reauth. */
  canRetry: boolean;
  /** The sync strip's one line rather than the card's notice. */
  compact?: boolean;
}) {
  const text = syncFailureText(a);
  if (!text || !a.last_sync_failure) return null;
  const name = a.display_name || a.spotify_user_id;
  return (
    <div
      class={`sync-failure${compact ? ' sync-failure-compact' : ' notice notice-error'}`}
      data-testid="sync-failure"
    >
      <p>
        <span aria-hidden="true">⚠ </span>
        {text}{' '}
        <Link to={`jobs/${a.last_sync_failure.job_id}`}>
          Details<span class="visually-hidden"> of the failed sync of {name}</span>
        </Link>
      </p>
      {canRetry ? (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          Retry<span class="visually-hidden"> the sync of {name}</span>
        </button>
      ) : null}
    </div>
  );
}
