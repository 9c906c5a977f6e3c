import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  api,
  describeError,
  fetchPlaylists,
  type Account,
  type CachedList,
  type Playlist,
  type SavedSelection,
} from '../api/client';
import { BatchDialog, type BatchKind } from '../components/BatchDialog';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Link } from '../components/Link';
import { ExportMenu } from '../components/ExportMenu';
import { ImportDialogLazy } from '../components/ImportDialogLazy';
import { CreatePlaylistDialog, type CreateSource } from '../components/LifecycleDialogs';
import { PlaylistTable } from '../components/PlaylistTable';
import { SaveSelectionDialog } from '../components/SaveSelectionDialog';
import { SelectionBar } from '../components/SelectionBar';
import { SyncStrip } from '../components/SyncStrip';
import { EmptyState, ErrorNotice, SelectField, Spinner } from '../components/ui';
import { WorkspaceSidebar, type TagChoice } from '../components/WorkspaceSidebar';
import { toUri } from '../lib/batch';
import { exportChoice } from '../lib/exchange';
import { formatCount, plural } from '../lib/format';
import { isActive, jobs, upsertJob } from '../lib/jobs';
import {
  decodeQuery,
  defaultQuery,
  encodeQuery,
  indexPlaylists,
  isFiltered,
  playlistKey,
  queryIndex,
  tagCounts,
  type PlaylistQuery,
  type SortKey,
} from '../lib/playlist-query';
import { setSearch } from '../lib/router';
import { useShortcut } from '../lib/shortcuts';
import {
  clickRow,
  emptySelection,
  pruneSelection,
  setAllVisible,
  visibleSelectionState,
  type SelectionState,
} from '../lib/selection';
import { useResource, type RefreshTrigger } from '../lib/resource';
import { mayWrite, session } from '../lib/session';
import { notify } from '../lib/toast';
import {
  effectiveDensity,
  resolveSelector,
  storedDensity,
  storeDensity,
  summarizeSelection,
  type Density,
} from '../lib/workspace';

// The list's query, for the playlist page's "back to playlists" link.
let rememberedSearch = '';
export function playlistsBackLink(): string {
  return rememberedSearch ? `playlists?${rememberedSearch}` : 'playlists';
}

// The last list this tab read, so coming back to the page shows it at once (and revalidates).
// Keyed by user, so signing in as someone else never shows the previous user's list.
let cache: { userId: number; list: CachedList } | null = null;
const noPlaylists: readonly Playlist[] = [];

export function PlaylistsPage({ search }: { search: string }) {
  const query = useMemo(() => decodeQuery(search), [search]);
  const userId = session.value?.user.id ?? -1;
  const cached = cache?.userId === userId ? cache.list : null;
  // Separate resources, so one load's success never hides the other's failure. A finished sync
  // changes both (events come in bursts while it runs: each is re-read at most once a second).
  const finishedJob: RefreshTrigger = { on: 'job', when: (job) => !isActive(job) };
  const listResource = useResource<CachedList>(
    ({ signal }, previous) => fetchPlaylists(previous, { signal }),
    { initial: cached, refreshOn: ['playlists', finishedJob] },
  );
  const accountsResource = useResource(
    async ({ signal }) => (await api.accounts({ signal })).accounts,
    { refreshOn: ['accounts', finishedJob] },
  );
  const list = listResource.data;
  const accounts = accountsResource.data;
  const playlistsError = listResource.error;
  const accountsError = accountsResource.error;
  const [selection, setSelection] = useState<SelectionState>(emptySelection);
  const [syncing, setSyncing] = useState<number | null>(null);
  const [creating, setCreating] = useState<{ accountId: number; source: CreateSource } | null>(
    null,
  );
  // "Copy N…": the create dialog once per playlist, in turn (closing one opens the next).
  const [copyQueue, setCopyQueue] = useState<readonly Playlist[]>([]);
  const [batch, setBatch] = useState<{ kind: BatchKind; accountId: number } | null>(null);
  const [saving, setSaving] = useState(false);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<SavedSelection | null>(null);
  const [density, setDensity] = useState<Density | null>(storedDensity);
  const chooseDensity = (d: Density) => {
    storeDensity(d);
    setDensity(d);
  };

  // The contains-track filter: which playlists hold the track, asked once per track (and again
  // when playlists change); null while unknown, when the filter lets everything through.
  const whereResource = useResource(
    async ({ signal }) => {
      const where = await api.whereIsTrack(query.track, { signal });
      return new Set(
        where.playlists.map((p) => playlistKey({ account_id: p.account_id, id: p.playlist_id })),
      );
    },
    { deps: [query.track], enabled: query.track !== '', refreshOn: ['playlists'] },
  );
  const holding = query.track !== '' ? whereResource.data : null;
  const selectionsResource = useResource(
    async ({ signal }) => (await api.listSelections({ signal })).selections,
  );

  rememberedSearch = search;
  useEffect(() => {
    if (list) cache = { userId, list };
  }, [list]);

  const playlists = list?.data.playlists ?? noPlaylists;
  // Folding, collation and date parsing once per data change; a key press only filters the
  // prepared text in a kept sort order (lib/playlist-query.ts).
  const index = useMemo(() => indexPlaylists(playlists), [playlists]);
  const visible = useMemo(() => queryIndex(index, query, holding), [index, query, holding]);
  const visibleKeys = useMemo(() => visible.map(playlistKey), [visible]);
  const visibleSet = useMemo(() => new Set(visibleKeys), [visibleKeys]);
  const counts = useMemo(() => tagCounts(playlists), [playlists]);
  // Hidden selected rows stay selected: the summary counts them apart.
  const summary = useMemo(
    () => summarizeSelection(playlists, selection.selected, visibleSet),
    [playlists, selection.selected, visibleSet],
  );
  const shownDensity = effectiveDensity(density, playlists.length);

  // Forget selected playlists that disappeared after a re-fetch.
  useEffect(() => {
    setSelection((s) => pruneSelection(s, new Set(index.keys)));
  }, [index]);

  // The page's keys (lib/shortcuts.ts, listed by the `?` overlay): `/` goes to the search,
  // Escape clears the selection (a dialog's Escape closes the dialog and stops there).
  const hasSelection = selection.selected.size > 0;
  useShortcut('/', 'Search the playlists', () => document.getElementById('pl-search')?.focus());
  useShortcut('Escape', 'Clear the selection', () => setSelection(emptySelection), {
    enabled: hasSelection,
  });

  const update = (patch: Partial<PlaylistQuery>) => setSearch(encodeQuery({ ...query, ...patch }));
  const sortBy = (key: SortKey) =>
    update(
      query.sort === key
        ? { dir: query.dir === 'asc' ? 'desc' : 'asc' }
        : { sort: key, dir: key === 'tracks' || key === 'synced' ? 'desc' : 'asc' },
    );

  const canWrite = mayWrite.value;
  const allJobs = jobs.value;
  const accountNames =
    accounts && accounts.length > 1
      ? new Map(accounts.map((a) => [a.id, a.display_name || a.spotify_user_id]))
      : null;

  const activeTag: TagChoice =
    query.tag !== null
      ? { kind: 'tag', tag: query.tag }
      : query.untagged
        ? { kind: 'untagged' }
        : { kind: 'all' };
  const chooseTag = (choice: TagChoice) =>
    update({
      tag: choice.kind === 'tag' ? choice.tag : null,
      untagged: choice.kind === 'untagged',
    });

  const applySaved = (saved: SavedSelection) => {
    const { keys, missing } = resolveSelector(saved.selector, playlists, saved.account_id);
    setSelection({ selected: keys, anchor: null });
    if (missing.length > 0)
      notify(
        `${plural(missing.length, 'playlist')} of “${saved.name}” ${missing.length === 1 ? 'is' : 'are'} no longer stored and ${missing.length === 1 ? 'was' : 'were'} left out.`,
      );
  };

  const sync = async (a: Account) => {
    setSyncing(a.id);
    try {
      upsertJob(await api.syncAccount(a.id));
    } catch (e) {
      notify(describeError(e), 'error');
    } finally {
      setSyncing(null);
    }
  };

  const syncStrip = accounts ? (
    <SyncStrip
      accounts={accounts}
      jobs={allJobs}
      canWrite={canWrite}
      starting={syncing}
      onSync={sync}
    />
  ) : null;

  // An error that leaves a piece of the page without data is shown with a retry; one that only
  // failed a refresh is a line under the list.
  const blockingError = (!list && playlistsError) || (!accounts && accountsError) || null;
  const refreshError = playlistsError ?? accountsError;
  let body;
  if (blockingError) {
    body = (
      <ErrorNotice
        error={blockingError}
        onRetry={() => {
          void listResource.reload();
          void accountsResource.reload();
        }}
      />
    );
  } else if (!list || !accounts) {
    body = <Spinner label="Loading playlists…" />;
  } else if (accounts.length === 0) {
    body = (
      <EmptyState title="Connect Spotify to see your playlists">
        {canWrite ? (
          <>
            <p>plm reads the playlists of the Spotify accounts you connect.</p>
            <Link to="accounts" class="btn btn-primary">
              Connect a Spotify account
            </Link>
          </>
        ) : (
          <p>
            No Spotify account is connected to your plm user, and viewers cannot connect one. Ask an
            administrator to make you an editor.
          </p>
        )}
      </EmptyState>
    );
  } else if (playlists.length === 0) {
    body = (
      <EmptyState title="No playlists stored yet">
        <p>
          {canWrite
            ? 'Sync an account to read its playlists from Spotify. Progress shows above.'
            : 'Nothing has been synced yet. An editor can start a sync.'}
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <div class="workspace">
        <WorkspaceSidebar
          counts={counts}
          total={playlists.length}
          active={activeTag}
          onTag={chooseTag}
          selections={selectionsResource.data}
          selectionsError={
            selectionsResource.error && !selectionsResource.data
              ? `Could not read saved selections: ${describeError(selectionsResource.error)}`
              : null
          }
          onApply={applySaved}
          onDelete={canWrite ? setDeleting : undefined}
        />
        <div class="workspace-main">
          <PlaylistToolbar
            query={query}
            accounts={accounts}
            update={update}
            density={shownDensity}
            onDensity={chooseDensity}
          />
          <TrackFilterStatus
            active={query.track !== ''}
            loading={whereResource.loading}
            error={whereResource.error}
            holding={holding}
            onRetry={() => void whereResource.reload()}
          />
          <div class="result-line">
            <p aria-live="polite" class="muted small" data-testid="result-count">
              {isFiltered(query)
                ? `Showing ${formatCount(visible.length)} of ${plural(playlists.length, 'playlist')}`
                : plural(playlists.length, 'playlist')}
            </p>
            {isFiltered(query) ? (
              <button
                type="button"
                class="btn-link small"
                onClick={() =>
                  setSearch(encodeQuery({ ...defaultQuery, sort: query.sort, dir: query.dir }))
                }
              >
                Clear search and filters
              </button>
            ) : null}
          </div>
          {summary.chosen.length > 0 ? (
            <SelectionBar
              summary={summary}
              shown={visible.length}
              allShownSelected={visibleSelectionState(selection.selected, visibleKeys) === 'all'}
              canWrite={canWrite}
              onSelectAllShown={() => setSelection((s) => setAllVisible(s, visibleKeys, true))}
              onClear={() => setSelection(emptySelection)}
              onSave={() => setSaving(true)}
              onBatch={(kind) =>
                summary.accountId !== null && setBatch({ kind, accountId: summary.accountId })
              }
              onCopy={() => setCopyQueue(summary.chosen)}
              onMerge={() =>
                setCreating({
                  accountId: summary.chosen[0]!.account_id,
                  source: { kind: 'merge', playlists: summary.chosen },
                })
              }
            />
          ) : (
            <p class="selection-hint muted small">
              Select playlists to act on them together: the checkboxes, or Space on a row (arrow
              keys move between rows, Enter opens).
            </p>
          )}
          {visible.length === 0 ? (
            <EmptyState title="No playlists match" icon="⌕">
              <p>Try other words, or clear the filters.</p>
            </EmptyState>
          ) : (
            <PlaylistTable
              playlists={visible}
              keys={visibleKeys}
              resetKey={encodeQuery(query)}
              selected={selection.selected}
              onToggle={(key, shift) => setSelection((s) => clickRow(s, visibleKeys, key, shift))}
              onToggleAll={(on) => setSelection((s) => setAllVisible(s, visibleKeys, on))}
              sort={query.sort}
              dir={query.dir}
              onSort={sortBy}
              accountNames={accountNames}
              density={shownDensity}
            />
          )}
          {refreshError ? (
            <p class="form-error">Could not refresh: {describeError(refreshError)}</p>
          ) : null}
        </div>
      </div>
    );
  }

  const firstAccount = accounts?.find((a) => a.status === 'active') ?? accounts?.[0] ?? null;
  const copying = copyQueue[0] ?? null;
  return (
    <div class="page page-wide">
      <div class="page-head page-head-row">
        <h1>Playlists</h1>
        <div class="page-head-actions">
          {accounts && playlists.length > 0 ? (
            <ExportMenu choice={exportChoice(summary.chosen, playlists, accounts, query)} />
          ) : null}
          {canWrite && firstAccount ? (
            <button type="button" class="btn" onClick={() => setImporting(true)}>
              Import…
            </button>
          ) : null}
          {canWrite && firstAccount ? (
            <button
              type="button"
              class="btn btn-primary"
              onClick={() => setCreating({ accountId: firstAccount.id, source: { kind: 'new' } })}
            >
              New playlist…
            </button>
          ) : null}
        </div>
      </div>
      {syncStrip}
      {body}
      {creating ? (
        <CreatePlaylistDialog
          accountId={creating.accountId}
          accounts={creating.source.kind === 'new' ? (accounts ?? []) : []}
          source={creating.source}
          onClose={() => setCreating(null)}
        />
      ) : null}
      {copying ? (
        <CreatePlaylistDialog
          key={playlistKey(copying)}
          accountId={copying.account_id}
          source={{ kind: 'copy', playlist: copying }}
          onClose={() => setCopyQueue((q) => q.slice(1))}
        />
      ) : null}
      {batch ? (
        <BatchDialog
          accountId={batch.accountId}
          // Finding duplicates only reads; every other batch acts on the writable playlists.
          playlists={batch.kind === 'duplicates' ? summary.chosen : summary.writable}
          kind={batch.kind}
          onClose={() => setBatch(null)}
        />
      ) : null}
      {importing && accounts && firstAccount ? (
        <ImportDialogLazy
          accounts={accounts}
          playlists={playlists}
          accountId={query.account ?? summary.accountId ?? firstAccount.id}
          onClose={() => setImporting(false)}
        />
      ) : null}
      {saving ? (
        <SaveSelectionDialog
          playlists={summary.chosen}
          accountId={summary.accountId}
          existing={selectionsResource.data ?? []}
          onSaved={(saved) => {
            notify(`Saved the selection “${saved.name}”.`, 'success');
            void selectionsResource.reload();
          }}
          onClose={() => setSaving(false)}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete the saved selection?"
          confirmLabel="Delete"
          danger
          onConfirm={async () => {
            await api.deleteSelection(deleting.name);
            void selectionsResource.reload();
          }}
          onClose={() => setDeleting(null)}
        >
          <p>“{deleting.name}” will no longer be listed. The playlists themselves do not change.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function PlaylistToolbar({
  query,
  accounts,
  update,
  density,
  onDensity,
}: {
  query: PlaylistQuery;
  accounts: readonly Account[];
  update: (patch: Partial<PlaylistQuery>) => void;
  density: Density;
  onDensity: (d: Density) => void;
}) {
  return (
    <div class="toolbar" role="search">
      <SearchField value={query.q} onSearch={(q) => update({ q })} />
      <div class="filters">
        <SelectField
          id="pl-sort"
          label="Sort by"
          value={`${query.sort}:${query.dir}`}
          onChange={(v) => {
            const [sort, dir] = v.split(':') as [SortKey, 'asc' | 'desc'];
            update({ sort, dir });
          }}
          options={[
            ['name:asc', 'Name A–Z'],
            ['name:desc', 'Name Z–A'],
            ['tracks:desc', 'Most tracks'],
            ['tracks:asc', 'Fewest tracks'],
            ['owner:asc', 'Owner A–Z'],
            ['owner:desc', 'Owner Z–A'],
            ['synced:desc', 'Recently synced'],
            ['synced:asc', 'Least recently synced'],
          ]}
        />
        {accounts.length > 1 ? (
          <SelectField
            id="pl-account"
            label="Account"
            value={query.account === null ? '' : String(query.account)}
            onChange={(v) => update({ account: v === '' ? null : Number(v) })}
            options={[
              ['', 'All accounts'],
              ...accounts.map((a): [string, string] => [
                String(a.id),
                a.display_name || a.spotify_user_id,
              ]),
            ]}
          />
        ) : null}
        <SelectField
          id="pl-owner"
          label="Owner"
          value={query.owner}
          onChange={(v) => update({ owner: v as PlaylistQuery['owner'] })}
          options={[
            ['all', 'Anyone'],
            ['mine', 'Mine'],
            ['others', 'Others’'],
          ]}
        />
        <SelectField
          id="pl-visibility"
          label="Visibility"
          value={query.visibility}
          onChange={(v) => update({ visibility: v as PlaylistQuery['visibility'] })}
          options={[
            ['all', 'All'],
            ['public', 'Public'],
            ['private', 'Private'],
          ]}
        />
        <SelectField
          id="pl-collab"
          label="Collaborative"
          value={query.collaborative}
          onChange={(v) => update({ collaborative: v as PlaylistQuery['collaborative'] })}
          options={[
            ['all', 'All'],
            ['yes', 'Only collaborative'],
            ['no', 'Not collaborative'],
          ]}
        />
        <TrackField query={query} update={update} />
        <div class="density-toggle" role="group" aria-label="Density">
          {(['comfortable', 'compact'] as const).map((d) => (
            <button
              type="button"
              key={d}
              class={`btn btn-small${density === d ? ' active' : ''}`}
              aria-pressed={density === d}
              onClick={() => onDensity(d)}
            >
              {d === 'compact' ? 'Compact' : 'Comfortable'}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}

/**
 * The search box. A key press paints the typed text and nothing else: the list follows after the
 * next frame (a yield past the paint, like startTransition), once for a burst of keys typed
 * faster than that. The URL query (and with it the list) gets the last text.
 */
function SearchField({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [draft, setDraft] = useState(value);
  const pending = useRef<string | null>(null);
  const latest = useRef(onSearch);
  latest.current = onSearch;
  // Follow the URL when it changes elsewhere (clear filters, back), not while a search is due.
  useEffect(() => {
    if (pending.current === null) setDraft(value);
  }, [value]);
  const apply = () => {
    const q = pending.current;
    pending.current = null;
    if (q !== null) latest.current(q);
  };
  return (
    <div class="field field-search">
      <label for="pl-search" class="visually-hidden">
        Search playlists
      </label>
      <input
        id="pl-search"
        class="input"
        type="search"
        placeholder="Search name, description or owner…"
        autoComplete="off"
        aria-keyshortcuts="/"
        value={draft}
        onInput={(e) => {
          const text = e.currentTarget.value;
          setDraft(text);
          const scheduled = pending.current !== null;
          pending.current = text;
          if (!scheduled) afterNextPaint(apply);
        }}
      />
    </div>
  );
}

/** Runs `task` in the first task after the next frame is painted. */
function afterNextPaint(task: () => void): void {
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(task, 0);
    return;
  }
  requestAnimationFrame(() => setTimeout(task, 0));
}

/**
 * "Contains track X / does not": a URI or open.spotify.com link. The URL query gets the track only
 * once the text is one (so typing asks the server nothing until then); the draft stays local.
 */
function TrackField({
  query,
  update,
}: {
  query: PlaylistQuery;
  update: (patch: Partial<PlaylistQuery>) => void;
}) {
  const [draft, setDraft] = useState(query.track);
  // Follow the URL when it changes elsewhere (clear filters, back), not while the draft is new.
  useEffect(() => {
    if ((toUri(draft) ?? '') !== query.track) setDraft(query.track);
  }, [query.track]);
  const invalid = draft.trim() !== '' && toUri(draft) === null;
  return (
    <>
      <div class="field field-compact field-track">
        <label for="pl-track" class="label-small">
          Track
        </label>
        <input
          id="pl-track"
          class="input"
          type="search"
          placeholder="spotify:track:… or open.spotify.com link"
          autoComplete="off"
          value={draft}
          aria-invalid={invalid}
          aria-describedby={invalid ? 'pl-track-hint' : undefined}
          onInput={(e) => {
            const text = e.currentTarget.value;
            setDraft(text);
            const uri = text.trim() === '' ? '' : toUri(text);
            if (uri !== null && uri !== query.track) update({ track: uri });
          }}
        />
        {invalid ? (
          <p id="pl-track-hint" class="form-error small">
            Paste a spotify:track: URI or an open.spotify.com track link.
          </p>
        ) : null}
      </div>
      <SelectField
        id="pl-track-mode"
        label="Track filter"
        value={query.trackMode}
        onChange={(v) => update({ trackMode: v as PlaylistQuery['trackMode'] })}
        options={[
          ['has', 'Holds the track'],
          ['lacks', 'Does not hold it'],
        ]}
      />
    </>
  );
}

/** What the contains-track filter is doing: looking, failed (with a retry), or how many hold it. */
function TrackFilterStatus({
  active,
  loading,
  error,
  holding,
  onRetry,
}: {
  active: boolean;
  loading: boolean;
  error: unknown;
  holding: ReadonlySet<string> | null;
  onRetry: () => void;
}) {
  if (!active) return null;
  if (error && !loading)
    return (
      <p class="form-error small" role="alert">
        Could not look up the track: {describeError(error)}{' '}
        <button type="button" class="btn-link small" onClick={onRetry}>
          Try again
        </button>
      </p>
    );
  if (holding === null)
    return (
      <p class="muted small" aria-live="polite">
        Looking up the playlists that hold the track…
      </p>
    );
  return (
    <p class="muted small" aria-live="polite" data-testid="track-status">
      {plural(holding.size, 'stored playlist')} {holding.size === 1 ? 'holds' : 'hold'} the track.
    </p>
  );
}
