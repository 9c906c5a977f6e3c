// Where is this track: every stored playlist of the user's accounts that holds it (positions,
// date added, since when plm's history has it there), and the other playlists that may change,
// each with a toggle. Apply turns the toggles that changed into one batch per account (add to
// the playlists switched on, remove from those switched off), previewed first, then run.
import { useMemo, useState } from 'preact/hooks';
import {
  api,
  describeError,
  fetchPlaylists,
  type BatchPreview,
  type BatchRequest,
  type CachedList,
} from '../api/client';
import { BatchJobView, BatchPreviewTable, startBatchJob } from '../components/BatchParts';
import { useAccountNames } from '../components/JobParts';
import { Link } from '../components/Link';
import { ShowMore, useRenderLimit } from '../components/growing-list';
import { Cover, DataTable, ErrorNotice, FormError, Spinner } from '../components/ui';
import { toUri } from '../lib/batch';
import { formatDate, plural } from '../lib/format';
import { useResource } from '../lib/resource';
import { mayWrite } from '../lib/session';
import { setSearch } from '../lib/router';
import { notify } from '../lib/toast';
import { usePreview } from '../lib/use-preview';
import { playlistKey, toggleBatches, whereRows, type WhereRow } from '../lib/where';
import { playlistPath } from '../routes';

export function WherePage({ search }: { search: string }) {
  const uri = new URLSearchParams(search).get('uri') ?? '';
  const [typed, setTyped] = useState(uri);
  const typedUri = toUri(typed);
  const find = (e: Event) => {
    e.preventDefault();
    if (typedUri) setSearch(`uri=${encodeURIComponent(typedUri)}`);
  };
  return (
    <div class="page">
      <div class="page-head">
        <h1>Where is this track?</h1>
        <p class="lead">Every playlist that holds it, and a toggle to add it or take it out.</p>
      </div>
      <form class="toolbar where-find" role="search" onSubmit={find}>
        <div class="field field-search">
          <label for="where-uri">Track URI or link</label>
          <input
            id="where-uri"
            class="input"
            value={typed}
            placeholder="spotify:track:… or https://open.spotify.com/track/…"
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="btn btn-primary" disabled={!typedUri}>
          Find
        </button>
      </form>
      {uri ? <WhereResult key={uri} uri={uri} /> : null}
    </div>
  );
}

type Phase =
  | { phase: 'toggles' }
  | { phase: 'preview'; batches: Map<number, BatchRequest> }
  | { phase: 'running'; jobIds: string[] };

function WhereResult({ uri }: { uri: string }) {
  const where = useResource(({ signal }) => api.whereIsTrack(uri, { signal }), {
    deps: [uri],
    refreshOn: ['playlists'],
  });
  const list = useResource<CachedList>((_, previous) => fetchPlaylists(previous), {
    refreshOn: ['playlists'],
  });
  const names = useAccountNames();
  const canWrite = mayWrite.value;
  // The toggles someone changed (key -> wanted); the others follow what the server says.
  const [changed, setChanged] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [filter, setFilter] = useState('');
  const [phase, setPhase] = useState<Phase>({ phase: 'toggles' });
  // 2,000 playlists are 2,000 rows of toggles: the holders come first, then the others a
  // hundred at a time (the filter finds any of them).
  const renderLimit = useRenderLimit(filter);

  const rows = useMemo(
    () => (where.data && list.data ? whereRows(where.data, list.data.data.playlists) : []),
    [where.data, list.data],
  );
  if (where.error) return <ErrorNotice error={where.error} onRetry={where.reload} />;
  if (!where.data || !list.data) return <Spinner label="Looking for the track…" />;
  const data = where.data;

  const wanted = (row: WhereRow) =>
    changed.get(playlistKey(row.accountId, row.playlistId)) ?? row.holder !== null;
  const on = new Set(rows.filter(wanted).map((r) => playlistKey(r.accountId, r.playlistId)));
  const batches = toggleBatches(uri, data.track, rows, on);
  const accountName = (id: number) => names.get(id) ?? `account ${id}`;
  const needle = filter.trim().toLowerCase();
  const matching = needle
    ? rows.filter((r) => r.holder || r.name.toLowerCase().includes(needle))
    : rows;
  const shown =
    matching.length > renderLimit.limit ? matching.slice(0, renderLimit.limit) : matching;
  const title = data.track ? `${data.track.name} — ${data.track.artists.join(', ')}` : uri;

  return (
    <>
      <section class="card where-track" aria-labelledby="where-track-title">
        {data.track ? <Cover url={data.track.album_image_url || null} size={56} /> : null}
        <div>
          <h2 id="where-track-title" class="h-small">
            {title}
          </h2>
          <p class="muted small" data-testid="where-count">
            In {plural(data.playlists.length, 'playlist')}.
          </p>
        </div>
      </section>

      {phase.phase === 'running' ? (
        <section class="job-section" aria-label="The batches">
          {phase.jobIds.map((id) => (
            <BatchJobView
              key={id}
              jobId={id}
              onUndoStarted={(undo) =>
                setPhase({
                  phase: 'running',
                  jobIds: phase.jobIds.map((j) => (j === id ? undo.id : j)),
                })
              }
            />
          ))}
          <button
            type="button"
            class="btn"
            onClick={() => {
              setChanged(new Map());
              setPhase({ phase: 'toggles' });
            }}
          >
            Back to the toggles
          </button>
        </section>
      ) : phase.phase === 'preview' ? (
        <TogglesPreview
          batches={phase.batches}
          accountName={accountName}
          onBack={() => setPhase({ phase: 'toggles' })}
          onStarted={(jobIds) => setPhase({ phase: 'running', jobIds })}
        />
      ) : (
        <>
          <div class="toolbar">
            <div class="field field-search">
              <label for="where-filter" class="visually-hidden">
                Filter the other playlists
              </label>
              <input
                id="where-filter"
                class="input"
                type="search"
                placeholder="Filter the other playlists by name"
                value={filter}
                onInput={(e) => setFilter(e.currentTarget.value)}
              />
            </div>
          </div>
          <DataTable
            caption="Playlists that hold the track, then the others that may change"
            columns={[
              { label: 'Holds it' },
              { label: 'Playlist' },
              { label: 'Account' },
              { label: 'Positions' },
              { label: 'Added' },
              { label: 'In plm’s history since' },
            ]}
            testId="where-table"
          >
            {shown.map((row) => {
              const key = playlistKey(row.accountId, row.playlistId);
              const h = row.holder;
              return (
                <tr key={key} data-testid="where-row" data-holds={h ? 'yes' : 'no'}>
                  <td>
                    <input
                      type="checkbox"
                      checked={wanted(row)}
                      disabled={!canWrite || row.readOnlyReason !== null}
                      title={row.readOnlyReason ?? undefined}
                      aria-label={`${row.name} holds it`}
                      onChange={(e) => {
                        const next = new Map(changed);
                        const value = e.currentTarget.checked;
                        if (value === (h !== null)) next.delete(key);
                        else next.set(key, value);
                        setChanged(next);
                      }}
                    />
                  </td>
                  <th scope="row">
                    <Link to={playlistPath(row.accountId, row.playlistId)}>{row.name}</Link>
                    {row.readOnlyReason ? (
                      <span class="muted small"> ({row.readOnlyReason})</span>
                    ) : null}
                  </th>
                  <td>{accountName(row.accountId)}</td>
                  <td>{h ? h.positions.map((p) => p + 1).join(', ') : ''}</td>
                  <td>{h ? formatDate(h.added_at) : ''}</td>
                  <td>{h ? formatDate(h.in_history_since) : ''}</td>
                </tr>
              );
            })}
          </DataTable>
          <ShowMore shown={shown.length} total={matching.length} onMore={renderLimit.more} />
          {canWrite ? (
            <div class="selection-bar where-apply" role="region" aria-label="Changes">
              <span class="small" aria-live="polite">
                {batches.size === 0
                  ? 'Switch playlists on or off, then apply.'
                  : `Changes: ${changedText(rows, wanted)}.`}
              </span>
              <button
                type="button"
                class="btn btn-primary"
                disabled={batches.size === 0}
                onClick={() => setPhase({ phase: 'preview', batches })}
              >
                {batches.size === 0 ? 'Apply' : `Apply (${changedText(rows, wanted)})`}
              </button>
            </div>
          ) : null}
        </>
      )}
    </>
  );
}

/** "add to 2, remove from 1". */
function changedText(rows: readonly WhereRow[], wanted: (row: WhereRow) => boolean): string {
  let adds = 0;
  let removes = 0;
  for (const row of rows) {
    if (row.readOnlyReason !== null) continue;
    if (wanted(row) && !row.holder) adds++;
    if (!wanted(row) && row.holder) removes++;
  }
  const parts: string[] = [];
  if (adds) parts.push(`add to ${adds}`);
  if (removes) parts.push(`remove from ${removes}`);
  return parts.join(', ');
}

/** The previews of the toggles' batches (one per account), then Run. */
function TogglesPreview({
  batches,
  accountName,
  onBack,
  onStarted,
}: {
  batches: Map<number, BatchRequest>;
  accountName: (id: number) => string;
  onBack: () => void;
  onStarted: (jobIds: string[]) => void;
}) {
  const entries = [...batches.entries()];
  const { data: previews, error } = usePreview<BatchPreview[]>(
    () => Promise.all(entries.map(([accountId, body]) => api.previewBatch(accountId, body))),
    JSON.stringify(entries),
  );
  const [busy, setBusy] = useState(false);
  const [runError, setRunError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setRunError(null);
    const started: string[] = [];
    try {
      for (const [accountId, body] of entries)
        started.push((await startBatchJob(() => api.runBatch(accountId, body))).id);
      onStarted(started);
    } catch (e) {
      // Batches of other accounts that started already run: show them, and say what failed.
      setRunError(e);
      setBusy(false);
      if (started.length) {
        notify(`A batch could not start: ${describeError(e)}`, 'error');
        onStarted(started);
      }
    }
  };
  const changes = previews?.reduce((n, p) => n + p.changed, 0) ?? 0;
  return (
    <section class="card" aria-label="Preview of the changes" data-testid="where-preview">
      {error ? <FormError error={describeError(error)} /> : null}
      {runError ? <FormError error={describeError(runError)} /> : null}
      {!previews && !error ? <Spinner label="Asking the server what would change…" /> : null}
      {previews?.map((p, i) => {
        const accountId = entries[i]![0];
        return (
          <div key={accountId}>
            {entries.length > 1 ? <h3 class="h-small">{accountName(accountId)}</h3> : null}
            <BatchPreviewTable preview={p} accountId={accountId} />
          </div>
        );
      })}
      <div class="edit-bar">
        <button type="button" class="btn" onClick={onBack}>
          Back
        </button>
        <button
          type="button"
          class="btn btn-primary"
          disabled={!previews || changes === 0 || busy}
          onClick={() => void run()}
        >
          {previews ? `Run on ${plural(changes, 'playlist')}` : 'Preparing…'}
        </button>
      </div>
    </section>
  );
}
