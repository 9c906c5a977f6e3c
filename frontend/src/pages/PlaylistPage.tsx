import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../api/client';
import { DetailsDialog } from '../components/DetailsDialog';
import { ExportMenu } from '../components/ExportMenu';
import { ImportDialogLazy } from '../components/ImportDialogLazy';
import { CreatePlaylistDialog, SplitDialog, UnfollowDialog } from '../components/LifecycleDialogs';
import { JobProgress } from '../components/JobProgress';
import { Link } from '../components/Link';
import { TagEditor } from '../components/TagEditor';
import {
  MoveToDialog,
  PreviewDialog,
  ReorderDialog,
  type ReorderChoice,
} from '../components/EditDialogs';
import { PastePanelLazy } from '../components/PastePanelLazy';
import {
  ADD_AT_BOTTOM,
  AddAtFields,
  SearchPanel,
  addAtOf,
  type AddAt,
  type AddPlace,
} from '../components/SearchPanel';
import { SpotifyLink } from '../components/SpotifyLink';
import { TrackTable, type TableEditing } from '../components/TrackTable';
import { Badge, Cover, EmptyState, ErrorNotice, HiddenPageTitle, Spinner } from '../components/ui';
import { formatCount, formatRelative, formatTotalDuration, plural } from '../lib/format';
import { activePlaylistJob, isActive, jobs, upsertJob } from '../lib/jobs';
import { useResource } from '../lib/resource';
import {
  changedRows,
  describeMove,
  gapForPosition,
  itemRef,
  moveRequest,
  moveRows,
  orderByUris,
  placementForGap,
  trackAsItem,
  type EditPreview,
  type EditRequest,
  type Track,
} from '../lib/edit';
import type { DetailsChange } from '../lib/details';
import type { TracksToAdd } from '../lib/paste';
import { selectedIndices } from '../lib/selection';
import { TRACK_COLUMNS } from '../lib/track-columns';
import {
  PLAYLIST_ORDER,
  TRACK_FLAGS,
  indexTracks,
  isPlaylistOrder,
  matchingRows,
  nextSort,
  orderedRows,
  totalDurationMs,
  type TrackFlag,
  type TrackIndex,
  type TrackSort,
} from '../lib/track-filter';
import { mayWrite, session } from '../lib/session';
import { navigate } from '../lib/router';
import { notify } from '../lib/toast';
import { usePlaylistEditor } from './playlist-editing';
import { playlistsBackLink } from './PlaylistsPage';
import { historyPath, wherePath } from '../routes';

type OpenDialog =
  | { kind: 'details' }
  | { kind: 'copy' }
  | { kind: 'split' }
  | { kind: 'unfollow' }
  | { kind: 'import' }
  | { kind: 'move-to' }
  | { kind: 'remove' }
  | { kind: 'reorder'; initial: ReorderChoice }
  | { kind: 'add-pasted'; toAdd: TracksToAdd; at: AddAt }
  | { kind: 'apply-order'; uris: string[]; order: string }
  | null;

const SORT_FIRST: ReorderChoice = { kind: 'sort', sortBy: 'title', descending: false };
const DEDUPE_FIRST: ReorderChoice = { kind: 'dedupe', keep: 'first' };

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
  const [sort, setSort] = useState<TrackSort>(PLAYLIST_ORDER);
  const [flags, setFlags] = useState<ReadonlySet<TrackFlag>>(new Set());
  const [starting, setStarting] = useState(false);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [searching, setSearching] = useState(false);
  const [pasting, setPasting] = useState(false);
  const editor = usePlaylistEditor(accountId, playlistId, items, reload);

  useEffect(() => {
    if (playlist) document.title = `${playlist.name} · plm`;
  }, [playlist?.name]);

  const list = editor.shown?.list ?? items?.items ?? null;
  // The view: sorted and flag-filtered once per list, sort or flags; a key press in the filter
  // only narrows the rows already in order.
  const index = useMemo(() => indexTracks(list ?? []), [list]);
  const ordered = useMemo(() => orderedRows(index, sort, flags), [index, sort, flags]);
  const shown = useMemo(() => matchingRows(index, ordered, filter), [index, ordered, filter]);
  const narrowed = filter.trim() !== '' || flags.size > 0;
  const sorted = !isPlaylistOrder(sort);
  const total = useMemo(() => (items ? totalDurationMs(items.items) : 0), [items]);
  const canWrite = mayWrite.value;
  const job = activePlaylistJob(jobs.value, accountId, playlistId);
  const syncing = job !== null && job.kind !== 'edit_playlist';

  const back = (
    <Link to={playlistsBackLink()} class="back-link">
      <span aria-hidden="true">← </span>All playlists
    </Link>
  );

  if (!valid || (error instanceof ApiError && error.status === 404)) {
    return (
      <div class="page">
        {back}
        <EmptyState title="Playlist not found" icon="?" pageTitle>
          <p>It may have been removed by a sync, or it belongs to another account.</p>
        </EmptyState>
      </div>
    );
  }
  if (error && !playlist) {
    return (
      <div class="page">
        {back}
        <HiddenPageTitle>Playlist</HiddenPageTitle>
        <ErrorNotice error={error} onRetry={reload} />
      </div>
    );
  }
  if (!playlist) {
    return (
      <div class="page">
        {back}
        <HiddenPageTitle>Playlist</HiddenPageTitle>
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

  // Editing: editors and admins, on a playlist Spotify lets this account change, whose tracks plm
  // holds. Reordering needs the whole list in view, in its own order (a filter or a sort would make
  // positions ambiguous).
  const editable =
    canWrite && (playlist.owned || playlist.collaborative) && playlist.items_readable && !!items;
  const current = items?.items ?? [];
  const snapshot = items?.snapshot_id ?? '';
  const chosen = selectedIndices(editor.selection.selected, current.map(editor.keyOf));
  const addedBy = session.value?.user.username ?? '';

  const move = (indices: number[], gap: number) => {
    const after = moveRows(current, indices, gap);
    if (after === current) return;
    const moved = [...indices].sort((a, b) => a - b).map((i) => current[i]!);
    const first = after.indexOf(moved[0]!);
    editor.announce(
      `Moving ${plural(moved.length, 'track')} to position ${formatCount(first + 1)}…`,
    );
    void editor.run(moveRequest(current, snapshot, indices, gap), {
      shown: { list: after, pending: new Set(moved) },
      done: describeMove(moved.length, first),
      selectAfter: moved.map((m) => after.indexOf(m)),
    });
  };

  const gapOf = (at: AddAt) => (at === 'top' ? 0 : at === 'bottom' ? current.length : at);
  const placementOf = (at: AddAt) =>
    at === 'top'
      ? ({ kind: 'top' } as const)
      : at === 'bottom'
        ? ({ kind: 'bottom' } as const)
        : placementForGap(current, [], at);

  /** Shows `tracks` at `at` at once (pending) and runs the add. */
  const runAdd = (request: EditRequest, tracks: Track[], at: AddAt, done: string) => {
    const gap = gapOf(at);
    const rows = tracks.map((track, i) => trackAsItem(track, gap + i, addedBy));
    const after = [...current.slice(0, gap), ...rows, ...current.slice(gap)];
    void editor.run(request, {
      shown: { list: after, pending: new Set(rows) },
      done,
      undo: true,
    });
  };

  const add = (track: Track, at: AddAt) => {
    editor.announce(`Adding ${track.name} at position ${gapOf(at) + 1}…`);
    runAdd(
      {
        kind: 'add',
        planned_snapshot: snapshot,
        uris: [track.uri],
        tracks: [track],
        placement: placementOf(at),
      },
      [track],
      at,
      `Added ${track.name}.`,
    );
  };

  /** Runs an edit as previewed, showing the previewed list at once. */
  const applyPreviewed =
    (done: (p: EditPreview) => string) => (request: EditRequest, preview: EditPreview) => {
      const after = orderByUris(current, preview.desired);
      void editor.run(request, {
        shown: { list: after, pending: changedRows(current, after) },
        done: done(preview),
        undo: true,
      });
    };

  const saveDetails = async (change: DetailsChange | null, cover: Blob | null) => {
    if (change) {
      const saved = await editor.run(
        { kind: 'details', planned_snapshot: snapshot, details: change },
        { done: 'Details saved.', undo: true },
      );
      if (!saved) return;
    }
    if (cover)
      await editor.run(() => api.uploadCover(accountId, playlistId, cover), {
        done: 'Cover uploaded.',
      });
  };

  const tableEditing: TableEditing | undefined =
    editable && !narrowed && !sorted
      ? {
          keyOf: editor.keyOf,
          selection: editor.selection,
          onSelection: editor.setSelection,
          pending: editor.shown?.pending ?? new Set(),
          busy: editor.busy,
          onMove: move,
          onDropTrack: (track, gap) => add(track, gap),
          onRemove: () => setDialog({ kind: 'remove' }),
        }
      : undefined;

  const stored = items?.items.length ?? playlist.stored_track_count;
  const sortedBy = describeSort(sort);
  const status =
    chosen.length && tableEditing
      ? `${plural(chosen.length, 'track')} selected`
      : sorted
        ? `Sorted by ${sortedBy}`
        : narrowed
          ? 'Clear the filters to select and move tracks.'
          : 'Select tracks to move or remove them (drag, or Alt+↑/↓).';
  /** The whole playlist (not only the rows a filter shows) in the order of the sort. */
  const applyOrder = () => {
    const order = index.items === current ? index : indexTracks(current);
    setDialog({
      kind: 'apply-order',
      uris: order.order(sort).map((i) => current[i]!.uri),
      order: sortedBy,
    });
  };
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
                {syncing ? 'Syncing…' : 'Sync this playlist'}
              </button>
            ) : null}
            {canWrite && playlist.owned ? (
              <button
                type="button"
                class="btn"
                disabled={editor.busy}
                onClick={() => setDialog({ kind: 'details' })}
              >
                Edit details…
              </button>
            ) : null}
            {canWrite && playlist.items_readable ? (
              <>
                <button type="button" class="btn" onClick={() => setDialog({ kind: 'copy' })}>
                  Copy…
                </button>
                <button type="button" class="btn" onClick={() => setDialog({ kind: 'split' })}>
                  Split…
                </button>
              </>
            ) : null}
            {canWrite ? (
              <button
                type="button"
                class="btn btn-danger"
                onClick={() => setDialog({ kind: 'unfollow' })}
              >
                Unfollow…
              </button>
            ) : null}
            <Link to={historyPath(accountId, playlistId)} class="btn">
              History
            </Link>
            <ExportMenu
              choice={{
                targets: [{ accountId, selector: playlist.id, label: 'this playlist' }],
              }}
            />
            {canWrite && playlist.read_only_reason === null ? (
              <button type="button" class="btn" onClick={() => setDialog({ kind: 'import' })}>
                Import…
              </button>
            ) : null}
            <SpotifyLink
              uri={`spotify:playlist:${playlist.id}`}
              title={playlist.name}
              class="btn"
            />
            {job && syncing ? <JobProgress job={job} label="Sync of this playlist" /> : null}
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
              // The folded text is prepared when the field gets focus, not on the first key.
              onFocus={() => index.items.length && index.text(0)}
              onInput={(e) => setFilter(e.currentTarget.value)}
            />
          </div>
          <p class="muted small" aria-live="polite" data-testid="track-count">
            {list
              ? narrowed
                ? `${formatCount(shown.length)} of ${plural(list.length, 'track')}`
                : plural(list.length, 'track')
              : ''}
          </p>
          {list && list.length > 0 ? (
            <FlagFilters index={index} flags={flags} onChange={setFlags} />
          ) : null}
        </div>
        {editable ? (
          <div class="edit-bar" role="group" aria-label="Edit the playlist">
            <span class="muted small edit-bar-status" data-testid="selection-count" title={status}>
              {status}
            </span>
            {(
              [
                ['Move to position…', { kind: 'move-to' }, chosen.length > 0 && !!tableEditing],
                ['Remove…', { kind: 'remove' }, chosen.length > 0 && !!tableEditing],
                ['Sort…', { kind: 'reorder', initial: SORT_FIRST }, current.length > 1],
                ['Shuffle…', { kind: 'reorder', initial: { kind: 'shuffle' } }, current.length > 1],
                [
                  'Remove duplicates…',
                  { kind: 'reorder', initial: DEDUPE_FIRST },
                  current.length > 1,
                ],
              ] as const
            ).map(([label, open, enabled]) => (
              <button
                key={label}
                type="button"
                class="btn btn-small"
                disabled={editor.busy || !enabled}
                onClick={() => setDialog(open)}
              >
                {label}
              </button>
            ))}
            {sorted ? (
              <button
                type="button"
                class="btn btn-small btn-primary"
                disabled={editor.busy}
                onClick={applyOrder}
              >
                Apply this order…
              </button>
            ) : null}
            <button
              type="button"
              class="btn btn-small"
              aria-expanded={searching}
              aria-controls="search-panel"
              onClick={() => setSearching(!searching)}
            >
              {searching ? 'Close search' : 'Add tracks…'}
            </button>
            <button
              type="button"
              class="btn btn-small"
              aria-expanded={pasting}
              aria-controls="paste-panel"
              onClick={() => setPasting(!pasting)}
            >
              {pasting ? 'Close the paste' : 'Add from text…'}
            </button>
          </div>
        ) : null}
        {editable && sorted ? (
          <p class="muted small" data-testid="sort-hint">
            A sort is a view: drag and drop is off. Sort by # to move tracks by hand, or{' '}
            <strong>Apply this order…</strong> to reorder the playlist (previewed first).
          </p>
        ) : null}
        <p class="visually-hidden" aria-live="polite" data-testid="edit-status">
          {editor.announcement}
        </p>
        {editable && searching ? (
          <div id="search-panel">
            <SearchPanel
              accountId={accountId}
              length={current.length}
              busy={editor.busy}
              onAdd={add}
            />
          </div>
        ) : null}
        {editable && pasting ? (
          <div id="paste-panel">
            <PastePanelLazy
              accountId={accountId}
              renderActions={(toAdd, settled) => (
                <AddPastedBar
                  toAdd={toAdd}
                  settled={settled}
                  length={current.length}
                  busy={editor.busy}
                  onPreview={(at) => setDialog({ kind: 'add-pasted', toAdd, at })}
                />
              )}
            />
          </div>
        ) : null}
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
            <p>{flags.size ? 'Try other words, or other flags.' : 'Try other words.'}</p>
          </EmptyState>
        ) : (
          <TrackTable
            items={shown}
            label={`Tracks of ${playlist.name}`}
            resetKey={`${filter}\n${[...flags].join()}\n${sort.column}:${sort.dir}`}
            edit={tableEditing}
            whereLink={(item) => (item.is_local ? null : wherePath(item.uri))}
            sort={sort}
            onSort={(column) => setSort(nextSort(sort, column))}
            widthsOwner={session.value?.user.id}
          />
        )}
      </section>
      {dialog?.kind === 'copy' ? (
        <CreatePlaylistDialog
          accountId={accountId}
          source={{ kind: 'copy', playlist }}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'split' ? (
        <SplitDialog playlist={playlist} onClose={() => setDialog(null)} />
      ) : null}
      {dialog?.kind === 'import' ? (
        <ImportDialogLazy
          accounts={[]}
          playlists={[]}
          accountId={accountId}
          playlist={playlist}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'unfollow' ? (
        <UnfollowDialog
          playlist={playlist}
          onDone={() => navigate(playlistsBackLink())}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'details' ? (
        <DetailsDialog
          playlist={playlist}
          onSave={(change, cover) => void saveDetails(change, cover)}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'move-to' ? (
        <MoveToDialog
          count={chosen.length}
          length={current.length}
          onMove={(position) => move(chosen, gapForPosition(current.length, chosen, position))}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'remove' && chosen.length > 0 ? (
        <PreviewDialog
          title={`Remove ${plural(chosen.length, 'track')}`}
          accountId={accountId}
          playlistId={playlistId}
          list={current}
          request={{
            kind: 'remove',
            planned_snapshot: snapshot,
            items: chosen.map((i) => itemRef(current[i]!)),
          }}
          confirmLabel={(p) => `Remove ${plural(p.removed.length, 'track')}`}
          onConfirm={applyPreviewed((p) => `Removed ${plural(p.removed.length, 'track')}.`)}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'add-pasted' ? (
        <PreviewDialog
          title={`Add ${plural(dialog.toAdd.uris.length, 'track')} from the paste`}
          accountId={accountId}
          playlistId={playlistId}
          list={current}
          request={{
            kind: 'add',
            planned_snapshot: snapshot,
            uris: dialog.toAdd.uris,
            tracks: dialog.toAdd.tracks,
            placement: placementOf(dialog.at),
          }}
          confirmLabel={(p) => `Add ${plural(p.added.length, 'track')}`}
          onConfirm={(request, p) => {
            const what = plural(p.added.length, 'track');
            editor.announce(`Adding ${what}…`);
            runAdd(request, dialog.toAdd.tracks, dialog.at, `Added ${what}.`);
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'apply-order' ? (
        <PreviewDialog
          title={`Apply this order (${dialog.order})`}
          accountId={accountId}
          playlistId={playlistId}
          list={current}
          request={{ kind: 'set_list', planned_snapshot: snapshot, uris: dialog.uris }}
          confirmLabel={(p) => `Reorder: move ${plural(p.moved.length, 'track')}`}
          onConfirm={(request, p) => {
            // The playlist takes the order shown, so its own order shows the same from now on.
            setSort(PLAYLIST_ORDER);
            applyPreviewed(
              () => `Reordered by ${dialog.order}: ${plural(p.moved.length, 'track')} moved.`,
            )(request, p);
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'reorder' ? (
        <ReorderDialog
          initial={dialog.initial}
          snapshot={snapshot}
          accountId={accountId}
          playlistId={playlistId}
          list={current}
          onConfirm={applyPreviewed((p) =>
            p.removed.length
              ? `Removed ${plural(p.removed.length, 'duplicate')}.`
              : `Reordered: ${plural(p.moved.length, 'track')} moved.`,
          )}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </div>
  );
}

/** "title, ascending" for the status line and the apply dialog. */
function describeSort(sort: TrackSort): string {
  const column = TRACK_COLUMNS.find((c) => c.id === sort.column)!;
  return `${column.name}, ${sort.dir === 'asc' ? 'ascending' : 'descending'}`;
}

const FLAG_LABELS: Record<TrackFlag, string> = {
  unavailable: 'Unavailable',
  local: 'Local files',
  duplicate: 'Duplicates',
};

/**
 * Toggles that narrow the table to rows with any of the chosen flags, each with its count over
 * the whole playlist (combined with the text filter).
 */
function FlagFilters({
  index,
  flags,
  onChange,
}: {
  index: TrackIndex;
  flags: ReadonlySet<TrackFlag>;
  onChange: (flags: ReadonlySet<TrackFlag>) => void;
}) {
  return (
    <div class="tt-flags" role="group" aria-label="Show only tracks that are">
      {TRACK_FLAGS.map((flag) => {
        const on = flags.has(flag);
        const count = index.counts[flag];
        return (
          <button
            key={flag}
            type="button"
            class="btn btn-small"
            aria-pressed={on}
            disabled={count === 0 && !on}
            onClick={() => {
              const next = new Set(flags);
              if (on) next.delete(flag);
              else next.add(flag);
              onChange(next);
            }}
          >
            {FLAG_LABELS[flag]} <span class="tt-flag-count">{formatCount(count)}</span>
          </button>
        );
      })}
    </div>
  );
}

/** Under a paste's results: where the tracks go, and "Add N tracks…" (previewed first). */
function AddPastedBar({
  toAdd,
  settled,
  length,
  busy,
  onPreview,
}: {
  toAdd: TracksToAdd;
  settled: boolean;
  length: number;
  busy: boolean;
  onPreview: (at: AddAt) => void;
}) {
  const [place, setPlace] = useState<AddPlace>(ADD_AT_BOTTOM);
  const at = addAtOf(place, length);
  const count = toAdd.uris.length;
  return (
    <div class="edit-bar">
      <AddAtFields idPrefix="paste-add" length={length} place={place} onChange={setPlace} />
      <button
        type="button"
        class="btn btn-primary btn-small"
        disabled={!settled || busy || count === 0 || at === null}
        onClick={() => at !== null && onPreview(at)}
      >
        {`Add ${plural(count, 'track')}…`}
      </button>
      {!settled ? <span class="muted small">Adding waits until every line is matched.</span> : null}
    </div>
  );
}
