import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, describeError, fetchPlaylists, type Account, type CachedList } from '../api/client';
import { JobProgress } from '../components/JobProgress';
import { Link } from '../components/Link';
import { CreatePlaylistDialog, type CreateSource } from '../components/LifecycleDialogs';
import { PlaylistTable } from '../components/PlaylistTable';
import { EmptyState, ErrorNotice, SelectField, Spinner } from '../components/ui';
import { formatCount, formatRelative, plural } from '../lib/format';
import { activeAccountJob, isActive, jobs, upsertJob } from '../lib/jobs';
import {
  allTags,
  applyQuery,
  decodeQuery,
  defaultQuery,
  encodeQuery,
  isFiltered,
  playlistKey,
  type PlaylistQuery,
  type SortKey,
} from '../lib/playlist-query';
import { setSearch } from '../lib/router';
import {
  clickRow,
  emptySelection,
  pruneSelection,
  setAllVisible,
  type SelectionState,
} from '../lib/selection';
import { useResource, type RefreshTrigger } from '../lib/resource';
import { mayWrite, session } from '../lib/session';
import { notify } from '../lib/toast';

// The list's query, for the playlist page's "back to playlists" link.
let rememberedSearch = '';
export function playlistsBackLink(): string {
  return rememberedSearch ? `playlists?${rememberedSearch}` : 'playlists';
}

// The last list this tab read, so coming back to the page shows it at once (and revalidates).
// Keyed by user, so signing in as someone else never shows the previous user's list.
let cache: { userId: number; list: CachedList } | null = null;

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

  rememberedSearch = search;
  useEffect(() => {
    if (list) cache = { userId, list };
  }, [list]);

  const playlists = list?.data.playlists ?? [];
  const visible = useMemo(() => applyQuery(playlists, query), [playlists, query]);
  const visibleKeys = useMemo(() => visible.map(playlistKey), [visible]);
  const tags = useMemo(() => allTags(playlists), [playlists]);

  // Forget selected playlists that disappeared after a re-fetch.
  useEffect(() => {
    setSelection((s) => pruneSelection(s, new Set(playlists.map(playlistKey))));
  }, [playlists]);

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

  const syncStrip =
    accounts && accounts.length > 0 ? (
      <ul class="sync-strip" aria-label="Spotify accounts">
        {accounts.map((a) => {
          const job = activeAccountJob(allJobs, a.id);
          const running = job !== null || a.syncing === true;
          const name = a.display_name || a.spotify_user_id;
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
              {canWrite && !running ? (
                <button
                  type="button"
                  class="btn btn-small"
                  disabled={syncing === a.id || a.status === 'needs_reauth'}
                  onClick={() => sync(a)}
                  aria-label={`Sync ${name} now`}
                >
                  Sync now
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
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
      <>
        <PlaylistToolbar query={query} tags={tags} accounts={accounts} update={update} />
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
        {visible.length === 0 ? (
          <EmptyState title="No playlists match" icon="⌕">
            <p>Try other words, or clear the filters.</p>
          </EmptyState>
        ) : (
          <PlaylistTable
            playlists={visible}
            selected={selection.selected}
            onToggle={(key, shift) => setSelection((s) => clickRow(s, visibleKeys, key, shift))}
            onToggleAll={(on) => setSelection((s) => setAllVisible(s, visibleKeys, on))}
            sort={query.sort}
            dir={query.dir}
            onSort={sortBy}
            accountNames={accountNames}
          />
        )}
        {refreshError ? (
          <p class="form-error">Could not refresh: {describeError(refreshError)}</p>
        ) : null}
      </>
    );
  }

  const count = selection.selected.size;
  const chosen = playlists.filter((p) => selection.selected.has(playlistKey(p)));
  const oneAccount =
    chosen.length > 0 && chosen.every((p) => p.account_id === chosen[0]!.account_id);
  const readable = chosen.every((p) => p.items_readable);
  const firstAccount = accounts?.find((a) => a.status === 'active') ?? accounts?.[0] ?? null;
  return (
    <div class="page page-wide">
      <div class="page-head">
        <h1>Playlists</h1>
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
      {syncStrip}
      {body}
      {count > 0 ? (
        <div class="selection-bar" role="region" aria-label="Selection">
          <strong data-testid="selection-count">{formatCount(count)} selected</strong>
          {canWrite && chosen.length === 1 && readable ? (
            <button
              type="button"
              class="btn btn-small"
              onClick={() =>
                setCreating({
                  accountId: chosen[0]!.account_id,
                  source: { kind: 'copy', playlist: chosen[0]! },
                })
              }
            >
              Copy…
            </button>
          ) : null}
          {canWrite && chosen.length > 1 ? (
            <button
              type="button"
              class="btn btn-small"
              disabled={!oneAccount || !readable}
              title={
                !oneAccount
                  ? 'Only playlists of one account can be merged.'
                  : !readable
                    ? 'plm does not hold the tracks of every selected playlist.'
                    : undefined
              }
              onClick={() =>
                setCreating({
                  accountId: chosen[0]!.account_id,
                  source: { kind: 'merge', playlists: chosen },
                })
              }
            >
              Merge into a new playlist…
            </button>
          ) : null}
          <button type="button" class="btn btn-small" onClick={() => setSelection(emptySelection)}>
            Clear selection
          </button>
        </div>
      ) : null}
      {creating ? (
        <CreatePlaylistDialog
          accountId={creating.accountId}
          accounts={creating.source.kind === 'new' ? (accounts ?? []) : []}
          source={creating.source}
          onClose={() => setCreating(null)}
        />
      ) : null}
    </div>
  );
}

function PlaylistToolbar({
  query,
  tags,
  accounts,
  update,
}: {
  query: PlaylistQuery;
  tags: readonly string[];
  accounts: readonly Account[];
  update: (patch: Partial<PlaylistQuery>) => void;
}) {
  return (
    <div class="toolbar" role="search">
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
          value={query.q}
          onInput={(e) => update({ q: e.currentTarget.value })}
        />
      </div>
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
        {tags.length > 0 || query.tag !== null ? (
          <SelectField
            id="pl-tag"
            label="Tag"
            value={query.tag ?? ''}
            onChange={(v) => update({ tag: v === '' ? null : v })}
            options={[
              ['', 'Any tag'],
              ...[...new Set([...tags, ...(query.tag ? [query.tag] : [])])].map(
                (t): [string, string] => [t, t],
              ),
            ]}
          />
        ) : null}
      </div>
    </div>
  );
}
