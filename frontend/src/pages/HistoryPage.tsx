// The history of a playlist (the journal): its versions newest first, with who changed what and
// why, filtered by cause and paged; the changes between two chosen versions; and "Restore this
// version" (editors), previewed first and run as an edit job like any other edit.
import { useState } from 'preact/hooks';
import {
  ApiError,
  api,
  type PlaylistItem,
  type PlaylistVersion,
  type PlaylistVersionDetails,
} from '../api/client';
import { PreviewDialog } from '../components/EditDialogs';
import { Link } from '../components/Link';
import {
  EmptyState,
  ErrorNotice,
  FormError,
  HiddenPageTitle,
  SelectField,
  Spinner,
} from '../components/ui';
import { formatCount, formatDateTime, plural } from '../lib/format';
import { useResource } from '../lib/resource';
import { mayWrite } from '../lib/session';
import { playlistPath } from '../routes';
import { usePlaylistEditor } from './playlist-editing';

export const HISTORY_PAGE = 50;

type Cause = PlaylistVersion['cause']['kind'];
const CAUSE_NAMES: Record<Cause, string> = {
  sync: 'Changed outside plm',
  edit: 'Edit',
  restore: 'Restore',
  undo: 'Undo',
};
const CAUSE_FILTERS: readonly (readonly [string, string])[] = [
  ['all', 'All changes'],
  ...(Object.entries(CAUSE_NAMES) as [Cause, string][]),
];

/** "Edit by alice (web)", "Changed outside plm", "Restore of version 3 by bob". */
export function causeText(v: PlaylistVersion): string {
  const c = v.cause;
  if (c.kind === 'sync')
    return c.why || (v.version === 1 ? 'First seen by a sync' : CAUSE_NAMES.sync);
  let text = CAUSE_NAMES[c.kind];
  if (c.kind === 'restore' && c.restored_version !== null)
    text += ` of version ${c.restored_version}`;
  if (c.username) text += ` by ${c.username}`;
  else if (c.user_id) text += ' by a deleted user';
  if (c.origin) text += ` (${c.origin})`;
  return text;
}

/** "+3 −1 ~2" and "details" as words a screen reader says well. */
export function changesText(v: PlaylistVersion): string {
  const parts: string[] = [];
  const { added, removed, moved, details_changed } = v.changes;
  if (added) parts.push(`${formatCount(added)} added`);
  if (removed) parts.push(`${formatCount(removed)} removed`);
  if (moved) parts.push(`${formatCount(moved)} moved`);
  if (details_changed) parts.push('details changed');
  return parts.length ? parts.join(', ') : 'no change';
}

interface Props {
  accountId: number;
  playlistId: string;
}

export function HistoryPage({ accountId, playlistId }: Props) {
  const [cause, setCause] = useState('all');
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const { data, error, reload, mutate } = useResource(
    async ({ signal }) => {
      const [playlist, items, page] = await Promise.all([
        api.playlist(accountId, playlistId, { signal }),
        api.playlistItems(accountId, playlistId, { signal }).catch(() => null),
        api.history(
          accountId,
          playlistId,
          { cause: cause === 'all' ? undefined : (cause as Cause), limit: HISTORY_PAGE },
          { signal },
        ),
      ]);
      return { playlist, items, versions: page.versions, nextBefore: page.next_before };
    },
    {
      deps: [accountId, playlistId, cause],
      refreshOn: [
        {
          on: 'playlists',
          when: (ev) => ev.account_id === accountId && ev.playlist_ids.includes(playlistId),
        },
      ],
    },
  );
  const editor = usePlaylistEditor(accountId, playlistId, data?.items ?? null, reload);
  const [compare, setCompare] = useState<{ from: string; to: string }>({ from: '', to: '' });
  const [diff, setDiff] = useState<{
    busy: boolean;
    error: unknown;
    details: PlaylistVersionDetails | null;
  }>({ busy: false, error: null, details: null });
  const [restoring, setRestoring] = useState<number | null>(null);

  const back = (
    <Link to={playlistPath(accountId, playlistId)} class="back-link">
      <span aria-hidden="true">← </span>Back to the playlist
    </Link>
  );
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div class="page">
        {back}
        <EmptyState title="Playlist not found" icon="?" pageTitle />
      </div>
    );
  }
  if (error && !data) {
    return (
      <div class="page">
        {back}
        <HiddenPageTitle>History of a playlist</HiddenPageTitle>
        <ErrorNotice error={error} onRetry={reload} />
      </div>
    );
  }
  if (!data) {
    return (
      <div class="page">
        {back}
        <HiddenPageTitle>History of a playlist</HiddenPageTitle>
        <Spinner label="Loading the history…" />
      </div>
    );
  }

  const { playlist, versions, items } = data;
  const canRestore = mayWrite.value && (playlist.owned || playlist.collaborative) && items !== null;
  const newest = versions[0]?.version ?? null;
  const names = new Map<string, PlaylistItem>();
  for (const item of items?.items ?? []) names.set(item.uri, item);
  const nameOf = (uri: string) => {
    const item = names.get(uri);
    return item ? `${item.name} — ${item.artists.join(', ')}` : uri || 'an unavailable item';
  };

  const loadMore = async () => {
    if (!data.nextBefore) return;
    setMore({ busy: true, error: null });
    try {
      const page = await api.history(accountId, playlistId, {
        cause: cause === 'all' ? undefined : (cause as Cause),
        before: data.nextBefore,
        limit: HISTORY_PAGE,
      });
      mutate(
        (d) =>
          d && { ...d, versions: [...d.versions, ...page.versions], nextBefore: page.next_before },
      );
      setMore({ busy: false, error: null });
    } catch (e) {
      setMore({ busy: false, error: e });
    }
  };

  const showChanges = async (e: Event) => {
    e.preventDefault();
    const to = Number(compare.to || newest);
    const from = compare.from ? Number(compare.from) : undefined;
    setDiff({ busy: true, error: null, details: null });
    try {
      setDiff({
        busy: false,
        error: null,
        details: await api.version(accountId, playlistId, to, from),
      });
    } catch (err) {
      setDiff({ busy: false, error: err, details: null });
    }
  };

  const versionOptions: [string, string][] = versions.map((v) => [
    String(v.version),
    `Version ${v.version} · ${formatDateTime(v.recorded_at)}`,
  ]);

  return (
    <div class="page page-wide">
      {back}
      <h1>History of {playlist.name || 'Untitled playlist'}</h1>
      <p class="visually-hidden" aria-live="polite" data-testid="edit-status">
        {editor.announcement}
      </p>
      <div class="edit-bar">
        <SelectField
          id="history-cause"
          label="Show"
          value={cause}
          options={CAUSE_FILTERS}
          onChange={setCause}
        />
      </div>
      {versions.length === 0 ? (
        <EmptyState title="No versions recorded">
          <p>plm records a version when a sync first sees the playlist and after every change.</p>
        </EmptyState>
      ) : (
        <ol class="timeline" aria-label="Versions, newest first">
          {versions.map((v) => (
            <li key={v.version} class="timeline-item" data-testid="version">
              <div class="timeline-head">
                <strong>Version {v.version}</strong>
                <span class="muted small">
                  {formatDateTime(v.recorded_at)} · {plural(v.item_count, 'track')}
                </span>
              </div>
              <p class="small">{causeText(v)}</p>
              <p class="small muted">{changesText(v)}</p>
              {v.cause.why && v.cause.kind !== 'sync' ? <p class="small">“{v.cause.why}”</p> : null}
              {canRestore && v.version !== newest ? (
                <button
                  type="button"
                  class="btn btn-small"
                  disabled={editor.busy}
                  onClick={() => setRestoring(v.version)}
                >
                  Restore this version
                </button>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {data.nextBefore ? (
        <button type="button" class="btn" onClick={loadMore} disabled={more.busy}>
          {more.busy ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
      <FormError error={more.error} />

      {versions.length > 0 ? (
        <section class="card" aria-labelledby="compare-title">
          <h2 id="compare-title" class="h-small">
            Changes between two versions
          </h2>
          <form class="edit-bar" onSubmit={showChanges}>
            <SelectField
              id="compare-from"
              label="From"
              value={compare.from}
              options={[['', 'The version before'], ...versionOptions]}
              onChange={(from) => setCompare({ ...compare, from })}
            />
            <SelectField
              id="compare-to"
              label="To"
              value={compare.to || String(newest)}
              options={versionOptions}
              onChange={(to) => setCompare({ ...compare, to })}
            />
            <button type="submit" class="btn btn-small" disabled={diff.busy}>
              Show changes
            </button>
          </form>
          <FormError error={diff.error} />
          {diff.details ? <VersionDiffView details={diff.details} nameOf={nameOf} /> : null}
        </section>
      ) : null}

      {restoring !== null && items ? (
        <PreviewDialog
          title={`Restore version ${restoring}`}
          accountId={accountId}
          playlistId={playlistId}
          list={items.items}
          request={{ kind: 'restore', version: restoring, planned_snapshot: items.snapshot_id }}
          confirmLabel={() => `Restore version ${restoring}`}
          onConfirm={(request) =>
            void editor.run(request, { done: `Restored version ${restoring}.`, undo: true })
          }
          onClose={() => setRestoring(null)}
        />
      ) : null}
    </div>
  );
}

function VersionDiffView({
  details,
  nameOf,
}: {
  details: PlaylistVersionDetails;
  nameOf: (uri: string) => string;
}) {
  const { diff, against, version } = details;
  const title = against
    ? `From version ${against} to version ${version.version}`
    : `Version ${version.version} (the first)`;
  const lists: [string, { key: string; text: string }[]][] = [
    [
      'Added',
      diff.added.map((a) => ({
        key: `a${a.position}`,
        text: `${a.position + 1}. ${nameOf(a.uri)}`,
      })),
    ],
    [
      'Removed',
      diff.removed.map((r) => ({
        key: `r${r.position}`,
        text: `${r.position + 1}. ${nameOf(r.uri)}`,
      })),
    ],
    [
      'Moved',
      diff.moved.map((m) => ({
        key: `m${m.from}`,
        text: `${nameOf(m.uri)}: ${m.from + 1} → ${m.to + 1}`,
      })),
    ],
    [
      'Details',
      diff.details.map((d) => ({ key: d.field, text: `${d.field}: “${d.before}” → “${d.after}”` })),
    ],
  ];
  return (
    <div aria-live="polite" data-testid="version-diff">
      <h3 class="h-small">{title}</h3>
      {lists.every(([, l]) => l.length === 0) ? <p>No change.</p> : null}
      {lists
        .filter(([, l]) => l.length > 0)
        .map(([label, l]) => (
          <div key={label}>
            <p>
              {label} ({formatCount(l.length)})
            </p>
            <ul class="preview-list" aria-label={label}>
              {l.slice(0, 200).map((row) => (
                <li key={row.key}>{row.text}</li>
              ))}
              {l.length > 200 ? (
                <li class="muted">and {formatCount(l.length - 200)} more</li>
              ) : null}
            </ul>
          </div>
        ))}
    </div>
  );
}
