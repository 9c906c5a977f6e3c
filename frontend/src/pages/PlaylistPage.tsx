import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../api/client';
import { JobProgress } from '../components/JobProgress';
import { Link } from '../components/Link';
import { TagEditor } from '../components/TagEditor';
import { TrackTable } from '../components/TrackTable';
import { Badge, Cover, EmptyState, ErrorNotice, Spinner } from '../components/ui';
import { formatCount, formatRelative, formatTotalDuration, plural } from '../lib/format';
import { activePlaylistJob, isActive, jobs, upsertJob } from '../lib/jobs';
import { useResource } from '../lib/resource';
import { filterTracks, totalDurationMs } from '../lib/track-filter';
import { mayWrite } from '../lib/session';
import { notify } from '../lib/toast';
import { playlistsBackLink } from './PlaylistsPage';

interface Props {
  accountId: number;
  playlistId: string;
}

export function PlaylistPage({ accountId, playlistId }: Props) {
  const valid = Number.isInteger(accountId) && accountId >= 0 && playlistId !== '';
  const { data, error, reload, mutate } = useResource(
    async ({ signal }) => {
      const [playlist, items] = await Promise.all([
        api.playlist(accountId, playlistId, { signal }),
        api.playlistItems(accountId, playlistId, { signal }),
      ]);
      return { playlist, items };
    },
    {
      enabled: valid,
      deps: [accountId, playlistId],
      refreshOn: [
        {
          on: 'playlists',
          when: (ev) =>
            ev.account_id === accountId &&
            (ev.playlist_ids.length === 0 || ev.playlist_ids.includes(playlistId)),
        },
      ],
    },
  );
  const playlist = data?.playlist ?? null;
  const items = data?.items ?? null;
  const [filter, setFilter] = useState('');
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    if (playlist) document.title = `${playlist.name} · plm`;
  }, [playlist?.name]);

  const shown = useMemo(() => (items ? filterTracks(items.items, filter) : []), [items, filter]);
  const total = useMemo(() => (items ? totalDurationMs(items.items) : 0), [items]);
  const canWrite = mayWrite.value;
  const job = activePlaylistJob(jobs.value, accountId, playlistId);

  const back = (
    <Link to={playlistsBackLink()} class="back-link">
      <span aria-hidden="true">← </span>All playlists
    </Link>
  );

  if (!valid || (error instanceof ApiError && error.status === 404)) {
    return (
      <div class="page">
        {back}
        <EmptyState title="Playlist not found" icon="?">
          <p>It may have been removed by a sync, or it belongs to another account.</p>
        </EmptyState>
      </div>
    );
  }
  if (error && !playlist) {
    return (
      <div class="page">
        {back}
        <ErrorNotice error={error} onRetry={reload} />
      </div>
    );
  }
  if (!playlist) {
    return (
      <div class="page">
        {back}
        <Spinner label="Loading playlist…" />
      </div>
    );
  }

  const sync = async () => {
    setStarting(true);
    try {
      upsertJob(await api.syncPlaylist(accountId, playlistId));
    } catch (e) {
      notify(describeError(e), 'error');
    } finally {
      setStarting(false);
    }
  };

  const saveTags = async (tags: string[]) => {
    const updated = await api.setTags(accountId, playlistId, tags);
    mutate((d) => d && { ...d, playlist: updated });
  };

  const stored = items?.items.length ?? playlist.stored_track_count;
  return (
    <div class="page page-wide">
      {back}
      <header class="pl-header">
        <Cover url={playlist.image_url} size={160} alt="" />
        <div class="pl-meta">
          <p class="eyebrow">Playlist</p>
          <h1 class="pl-title">{playlist.name || 'Untitled playlist'}</h1>
          {playlist.description ? <p class="pl-desc">{playlist.description}</p> : null}
          <p class="pl-facts">
            <span>
              by <strong>{playlist.owner_name || playlist.owner_id}</strong>
              {playlist.owned ? ' (you)' : ''}
            </span>
            <span>{plural(playlist.track_count, 'track')}</span>
            {items && items.items.length > 0 ? <span>{formatTotalDuration(total)}</span> : null}
            <span title={playlist.synced_at ?? undefined}>
              synced {formatRelative(playlist.synced_at)}
            </span>
          </p>
          <div class="badges">
            {playlist.public ? <Badge kind="accent">Public</Badge> : <Badge>Private</Badge>}
            {playlist.collaborative ? <Badge kind="ok">Collaborative</Badge> : null}
            {playlist.owned ? null : <Badge>Followed</Badge>}
          </div>
          <div class="pl-actions">
            {canWrite ? (
              <button
                type="button"
                class="btn btn-primary"
                onClick={sync}
                disabled={starting || (job !== null && isActive(job))}
              >
                {job ? 'Syncing…' : 'Sync this playlist'}
              </button>
            ) : null}
            {job ? <JobProgress job={job} label="Sync of this playlist" /> : null}
          </div>
        </div>
      </header>

      <section class="card tag-card" aria-labelledby="tags-title">
        <h2 id="tags-title" class="h-small">
          Tags
        </h2>
        <TagEditor tags={playlist.tags} onSave={canWrite ? saveTags : null} />
      </section>

      {!playlist.items_readable ? (
        <div class="notice notice-warn" role="note">
          <p>
            Spotify does not let development-mode apps read the tracks of playlists you only follow,
            so plm keeps this playlist’s details but not its tracks.
          </p>
        </div>
      ) : null}

      {stored !== playlist.track_count && playlist.items_readable ? (
        <p class="muted small">
          plm holds {formatCount(stored)} of the {formatCount(playlist.track_count)} tracks Spotify
          reports. Sync to bring them in line.
        </p>
      ) : null}

      <section aria-labelledby="tracks-title" class="tracks-section">
        <div class="tracks-head">
          <h2 id="tracks-title" class="h-small">
            Tracks
          </h2>
          <div class="field field-search">
            <label for="track-filter" class="visually-hidden">
              Filter tracks
            </label>
            <input
              id="track-filter"
              class="input"
              type="search"
              placeholder="Filter by title, artist, album…"
              value={filter}
              onInput={(e) => setFilter(e.currentTarget.value)}
            />
          </div>
          <p class="muted small" aria-live="polite" data-testid="track-count">
            {items
              ? filter.trim()
                ? `${formatCount(shown.length)} of ${plural(items.items.length, 'track')}`
                : plural(items.items.length, 'track')
              : ''}
          </p>
        </div>
        {!items ? (
          <Spinner label="Loading tracks…" />
        ) : items.items.length === 0 ? (
          <EmptyState title={playlist.items_readable ? 'No tracks stored' : 'Tracks not readable'}>
            <p>
              {playlist.items_readable
                ? 'This playlist is empty, or it has not been synced yet.'
                : 'Spotify keeps the tracks of followed playlists from development-mode apps.'}
            </p>
          </EmptyState>
        ) : shown.length === 0 ? (
          <EmptyState title="No tracks match" icon="⌕">
            <p>Try other words.</p>
          </EmptyState>
        ) : (
          <TrackTable items={shown} label={`Tracks of ${playlist.name}`} resetKey={filter} />
        )}
      </section>
    </div>
  );
}
