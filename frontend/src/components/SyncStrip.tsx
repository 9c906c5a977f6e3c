import type { Account, Job } from '../api/client';
import { formatRelative, plural } from '../lib/format';
import { activeAccountJob } from '../lib/jobs';
import { JobProgress } from './JobProgress';
import { SyncFailure } from './SyncFailure';

/**
 * The playlists page's line per account: what it holds, when it synced, a running sync's progress
 * or "Sync now", and the last sync's failure until one succeeds.
 */
export function SyncStrip({
  accounts,
  jobs,
  canWrite,
  starting,
  onSync,
}: {
  accounts: readonly Account[];
  jobs: ReadonlyMap<string, Job>;
  canWrite: boolean;
  /** The account whose "Sync now" is being sent. */
  starting: number | null;
  onSync: (a: Account) => void;
}) {
  if (accounts.length === 0) return null;
  return (
    <ul class="sync-strip" aria-label="Spotify accounts">
      {accounts.map((a) => {
        const job = activeAccountJob(jobs, a.id);
        const running = job !== null || a.syncing === true;
        const name = a.display_name || a.spotify_user_id;
        const mayStart = canWrite && starting !== a.id && a.status !== 'needs_reauth';
        return (
          <li key={a.id} class="sync-item">
            <div class="sync-item-text">
              <strong>{name}</strong>
              <span class="muted small">
                {plural(a.playlist_count, 'playlist')} · synced {formatRelative(a.last_synced_at)}
                {a.status === 'needs_reauth' ? ' · needs re-authorization' : ''}
              </span>
            </div>
            {running ? <JobProgress job={job} label={`Sync of ${name}`} /> : null}
            {canWrite && !running && !a.last_sync_failure ? (
              <button
                type="button"
                class="btn btn-small"
                disabled={!mayStart}
                onClick={() => onSync(a)}
              >
                {/* The accessible name starts with the visible label (WCAG 2.5.3). */}
                Sync now<span class="visually-hidden"> ({name})</span>
              </button>
            ) : null}
            {!running ? (
              <SyncFailure account={a} compact canRetry={mayStart} onRetry={() => onSync(a)} />
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
