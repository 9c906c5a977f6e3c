// "Import…": a workbook or CSV made to look like Spotify. The file is uploaded as it is (POST
// …/imports: read at once, refused with the server's reason), then its preview is read again every
// second while its rows without a URI are matched (GET api/imports/{id}/preview): per playlist
// what would change, rows waiting for a decision with their candidates (decided on the import's
// paste as the paste panel does), the file's problems with sheet, row and column. The playlists
// to apply are checked (all that change by default); a confirm step says the Spotify calls and
// time; then the batch_edit job runs with its live results (its undo is the batch's). Loaded on
// demand (its own chunk): most visits never import.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  describeError,
  type Account,
  type BatchEntryPreview,
  type ImportPlaylistPreview,
  type ImportPreview,
  type ImportUndecidedRow,
  type Playlist,
} from '../api/client';
import { durationText, entryChange } from '../lib/batch';
import {
  IMPORT_STATUS,
  applyCost,
  changeCounts,
  changingIds,
  fileProblem,
  matchingText,
  rowLabel,
  stillMatching,
  tagChange,
} from '../lib/import-preview';
import { formatCount, plural } from '../lib/format';
import { useResource } from '../lib/resource';
import { playlistPath } from '../routes';
import { BatchJobView, startBatchJob } from './BatchParts';
import { Dialog } from './Dialog';
import { EntryLists } from './EntryLists';
import { Link } from './Link';
import { TrackSummary } from './SearchPanel';
import { Badge, FormError, SelectField, Spinner } from './ui';

export interface ImportDialogProps {
  accounts: readonly Account[];
  /** The stored playlists (a one-sheet file may be imported into one of them). */
  playlists: readonly Playlist[];
  /** The account chosen first (the playlists page's account filter, or the first account). */
  accountId: number;
  /** From a playlist's page: the file is that playlist's. */
  playlist?: Playlist;
  onClose: () => void;
  /** How often the preview is read while rows are matched (tests pass a few ms). */
  pollMs?: number;
}

type Step =
  | { step: 'choose' }
  | { step: 'preview'; importId: number; accountId: number }
  | { step: 'job'; jobId: string }
  | { step: 'tags'; count: number };

export function ImportDialog(props: ImportDialogProps) {
  const [step, setStep] = useState<Step>({ step: 'choose' });
  const close = (
    <button type="button" class="btn" onClick={props.onClose}>
      Close
    </button>
  );
  const title = props.playlist ? `Import into “${props.playlist.name}”` : 'Import playlists';
  if (step.step === 'choose')
    return (
      <ChooseFile
        {...props}
        title={title}
        onUploaded={(importId, accountId) => setStep({ step: 'preview', importId, accountId })}
      />
    );
  if (step.step === 'preview')
    return (
      <PreviewStep
        title={title}
        importId={step.importId}
        accountId={step.accountId}
        pollMs={props.pollMs ?? 1000}
        onBack={() => setStep({ step: 'choose' })}
        onClose={props.onClose}
        onApplied={(jobId, tags) =>
          setStep(jobId ? { step: 'job', jobId } : { step: 'tags', count: tags })
        }
      />
    );
  return (
    <Dialog wide title={title} onClose={props.onClose} actions={close}>
      {step.step === 'job' ? (
        <BatchJobView
          jobId={step.jobId}
          onUndoStarted={(job) => setStep({ step: 'job', jobId: job.id })}
        />
      ) : (
        <p role="status">
          Set the tags of {plural(step.count, 'playlist')}. Nothing had to be sent to Spotify.
        </p>
      )}
    </Dialog>
  );
}

// ---- choosing and uploading the file

function ChooseFile({
  accounts,
  playlists,
  accountId: firstAccount,
  playlist,
  onClose,
  title,
  onUploaded,
}: ImportDialogProps & {
  title: string;
  onUploaded: (importId: number, accountId: number) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [accountId, setAccountId] = useState(playlist?.account_id ?? firstAccount);
  const [target, setTarget] = useState(playlist?.id ?? '');
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const problem = file ? fileProblem(file) : null;

  const take = (chosen: File | undefined) => {
    setError(null);
    setFile(chosen ?? null);
  };
  const upload = async (e: Event) => {
    e.preventDefault();
    if (!file || problem || busy) return;
    setBusy(true);
    setError(null);
    try {
      const started = await api.startImport(accountId, file, file.name, target || undefined);
      onUploaded(started.id, accountId);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const writable = playlists.filter(
    (p) => p.account_id === accountId && p.read_only_reason === null,
  );
  return (
    <Dialog
      wide
      title={title}
      onClose={onClose}
      actions={
        <>
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form="import-form"
            class="btn btn-primary"
            disabled={!file || problem !== null || busy}
          >
            {busy ? 'Uploading…' : 'Upload and preview'}
          </button>
        </>
      }
    >
      <form id="import-form" class="import-form" onSubmit={(e) => void upload(e)}>
        <p class="muted">
          An Excel workbook (.xlsx) exported by plm or made by hand, a CSV file (Exportify’s too) or
          a .zip of CSV files. Nothing changes on Spotify until you confirm the preview.
        </p>
        {!playlist && accounts.length > 1 ? (
          <SelectField
            id="import-account"
            label="Spotify account"
            value={String(accountId)}
            options={accounts.map((a) => [String(a.id), a.display_name || a.spotify_user_id])}
            onChange={(v) => {
              setAccountId(Number(v));
              setTarget('');
            }}
          />
        ) : null}
        <div
          class={`drop-zone${dragging ? ' drop-zone-active' : ''}`}
          data-testid="import-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            take(e.dataTransfer?.files[0]);
          }}
        >
          <label for="import-file">File to import</label>
          <input
            id="import-file"
            type="file"
            class="input"
            accept=".xlsx,.csv,.zip"
            aria-describedby="import-file-hint"
            aria-invalid={problem !== null || undefined}
            onChange={(e) => take(e.currentTarget.files?.[0])}
          />
          <p id="import-file-hint" class={problem ? 'form-error small' : 'hint'}>
            {problem ??
              (file
                ? `${file.name}, ${formatCount(Math.ceil(file.size / 1024))} kB`
                : 'Choose a file, or drop it here. At most 20 MiB.')}
          </p>
        </div>
        {playlist ? null : (
          <SelectField
            id="import-target"
            label="A file of one sheet of tracks goes to"
            value={target}
            options={[
              ['', 'The playlist the file names'],
              ...writable.map((p): [string, string] => [p.id, p.name || p.id]),
            ]}
            onChange={setTarget}
          />
        )}
        <FormError error={error} />
      </form>
    </Dialog>
  );
}

// ---- the preview

/**
 * The import's preview, read now and again every `pollMs` while rows are being matched, and at
 * once after a decision. An answer that arrives after a newer read started is dropped.
 */
function useImportPreview(importId: number, pollMs: number) {
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reads, setReads] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const controller = new AbortController();
    const ticket = ++latest.current;
    let timer: ReturnType<typeof setTimeout> | undefined;
    api.importPreview(importId, { signal: controller.signal }).then(
      (answer) => {
        if (ticket !== latest.current) return;
        setPreview(answer);
        setError(null);
        if (stillMatching(answer)) timer = setTimeout(() => setReads((n) => n + 1), pollMs);
      },
      (e) => {
        if (controller.signal.aborted || ticket !== latest.current) return;
        setError(e);
      },
    );
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [importId, reads]);
  return { preview, error, reread: () => setReads((n) => n + 1) };
}

function PreviewStep({
  title,
  importId,
  accountId,
  pollMs,
  onBack,
  onClose,
  onApplied,
}: {
  title: string;
  importId: number;
  accountId: number;
  pollMs: number;
  onBack: () => void;
  onClose: () => void;
  onApplied: (jobId: string | null, tagsChanged: number) => void;
}) {
  const { preview, error, reread } = useImportPreview(importId, pollMs);
  // After a decision its row goes: the focus moves to the summary, which says what changed.
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const decided = () => {
    summaryRef.current?.focus();
    reread();
  };
  // Unchecked playlists; the rest of those that change are applied.
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [applyError, setApplyError] = useState<unknown>(null);

  const ids = preview ? changingIds(preview) : [];
  const chosen = new Set(ids.filter((id) => !left.has(id)));
  const tagOnly = preview
    ? preview.playlists.filter((p) => p.status === 'unchanged' && tagChange(p) !== null).length
    : 0;
  const matching = preview !== null && stillMatching(preview);
  const cost = preview ? applyCost(preview, chosen) : { calls: 0, seconds: 0 };

  const apply = async () => {
    setBusy(true);
    setApplyError(null);
    try {
      const playlist_ids = chosen.size === ids.length ? undefined : [...chosen];
      const answer = await api.applyImport(importId, { playlist_ids });
      if (answer.job) {
        const job = answer.job;
        await startBatchJob(async () => job);
        onApplied(job.id, answer.tags_changed);
      } else onApplied(null, answer.tags_changed);
    } catch (e) {
      setApplyError(e);
      setBusy(false);
      setConfirming(false);
    }
  };

  const toggle = (id: string, on: boolean) => {
    const next = new Set(left);
    if (on) next.delete(id);
    else next.add(id);
    setLeft(next);
  };

  const applyLabel = `Apply ${plural(chosen.size, 'playlist')}`;
  const actions = confirming ? (
    <>
      <button type="button" class="btn" onClick={() => setConfirming(false)} disabled={busy}>
        Back
      </button>
      <button
        type="button"
        class="btn btn-primary"
        data-autofocus
        disabled={busy}
        onClick={() => void apply()}
      >
        {busy ? 'Starting…' : `Yes, ${applyLabel.toLowerCase()}`}
      </button>
    </>
  ) : (
    <>
      <button type="button" class="btn" onClick={onBack}>
        Choose another file
      </button>
      <button type="button" class="btn" onClick={onClose}>
        Cancel
      </button>
      <button
        type="button"
        class="btn btn-primary"
        disabled={!preview || matching || (chosen.size === 0 && tagOnly === 0)}
        onClick={() => setConfirming(true)}
      >
        {chosen.size === 0 && tagOnly > 0
          ? `Set the tags of ${plural(tagOnly, 'playlist')}`
          : applyLabel}
      </button>
    </>
  );

  return (
    <Dialog wide title={title} onClose={onClose} actions={actions}>
      {!preview && !error ? <Spinner label="Reading the file’s preview…" /> : null}
      {error ? (
        <div class="notice notice-error" role="alert">
          <p>Could not read the preview: {describeError(error)}</p>
          <button type="button" class="btn btn-small" onClick={reread}>
            Try again
          </button>
        </div>
      ) : null}
      {preview ? (
        <div data-testid="import-preview">
          <p aria-live="polite" data-testid="import-summary" tabIndex={-1} ref={summaryRef}>
            <strong>{preview.summary}</strong>
          </p>
          {!matching && ids.length === 0 && tagOnly === 0 && preview.needs_decision === 0 ? (
            <p class="notice" role="status" data-testid="import-nothing">
              Nothing to change: the playlists already are what the file says.
            </p>
          ) : null}
          {matching ? (
            <p class="muted" role="status" data-testid="import-matching">
              {matchingText(preview)}
            </p>
          ) : null}
          {confirming ? (
            <div class="card" data-testid="import-confirm">
              <p>
                <strong>{applyLabel}?</strong> plm sends only the differences to Spotify: about{' '}
                {plural(cost.calls, 'call')}, {durationText(cost.seconds)}.
                {tagOnly
                  ? ` The local tags of ${plural(tagOnly, 'other playlist')} change too.`
                  : ''}
              </p>
              <p class="muted small">It runs as one batch job; its page can undo it afterwards.</p>
            </div>
          ) : null}
          <FormError error={applyError} />
          <ImportTable
            preview={preview}
            accountId={accountId}
            chosen={chosen}
            onToggle={confirming ? null : toggle}
            onDecided={decided}
          />
          <IssueList preview={preview} />
        </div>
      ) : null}
    </Dialog>
  );
}

const IMPORT_COLUMNS = ['Apply', 'Playlist', 'Status', 'Tracks', 'What changes'];

function ImportTable({
  preview,
  accountId,
  chosen,
  onToggle,
  onDecided,
}: {
  preview: ImportPreview;
  accountId: number;
  chosen: ReadonlySet<string>;
  onToggle: ((id: string, on: boolean) => void) | null;
  onDecided: () => void;
}) {
  if (preview.playlists.length === 0) return <p class="muted">The file names no playlist.</p>;
  return (
    <div class="table-wrap card card-flush">
      <table class="data-table import-table" data-testid="import-table">
        <caption class="visually-hidden">What the import does to each playlist</caption>
        <thead>
          <tr>
            {IMPORT_COLUMNS.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        {preview.playlists.map((p) => (
          <ImportRow
            key={`${p.sheet}/${p.playlist_id ?? ''}`}
            playlist={p}
            accountId={accountId}
            pasteId={preview.import.paste_id}
            checked={p.playlist_id !== null && chosen.has(p.playlist_id)}
            onToggle={onToggle}
            onDecided={onDecided}
          />
        ))}
      </table>
    </div>
  );
}

function ImportRow({
  playlist: p,
  accountId,
  pasteId,
  checked,
  onToggle,
  onDecided,
}: {
  playlist: ImportPlaylistPreview;
  accountId: number;
  pasteId: string | null;
  checked: boolean;
  onToggle: ((id: string, on: boolean) => void) | null;
  onDecided: () => void;
}) {
  const [open, setOpen] = useState(false);
  const status = IMPORT_STATUS[p.status];
  const name = p.name || p.sheet;
  const tags = tagChange(p);
  const counts = changeCounts(p);
  const expandable = p.entry !== null && p.status === 'change';
  const detailsId = `import-details-${p.sheet.replace(/\W/g, '_')}-${p.playlist_id ?? ''}`;
  return (
    <tbody data-testid="import-playlist" data-status={p.status}>
      <tr>
        <td>
          {p.status === 'change' && p.playlist_id !== null ? (
            <input
              type="checkbox"
              checked={checked}
              disabled={onToggle === null}
              aria-label={`Apply to ${name}`}
              onChange={(e) => onToggle?.(p.playlist_id!, e.currentTarget.checked)}
            />
          ) : null}
        </td>
        <th scope="row">
          {p.playlist_id !== null ? (
            <Link to={playlistPath(accountId, p.playlist_id)}>{name}</Link>
          ) : (
            name
          )}
          {p.sheet && p.sheet !== name ? (
            <span class="muted small"> · sheet “{p.sheet}”</span>
          ) : null}
        </th>
        <td>
          <Badge kind={status.badge}>{status.text}</Badge>
        </td>
        <td class="num">
          {formatCount(p.rows)}
          {p.left_out ? (
            <span class="muted small"> ({formatCount(p.left_out)} left out)</span>
          ) : null}
        </td>
        <td>
          {counts ? <strong class="import-counts">{counts} </strong> : null}
          <span>{p.entry && p.status === 'change' ? entryChange(p.entry) : p.reason}</span>
          {tags ? <span class="muted small"> · {tags}</span> : null}
          {expandable ? (
            <>
              {' '}
              <button
                type="button"
                class="btn-link small"
                aria-expanded={open}
                aria-controls={detailsId}
                onClick={() => setOpen(!open)}
              >
                {open ? 'Hide the changes' : 'Show the changes'}
                <span class="visually-hidden"> of {name}</span>
              </button>
            </>
          ) : null}
        </td>
      </tr>
      {open && p.entry ? (
        <tr id={detailsId}>
          <td />
          <td colSpan={4}>
            <PlaylistChanges entry={p.entry} accountId={accountId} playlistId={p.playlist_id} />
          </td>
        </tr>
      ) : null}
      {p.undecided.length > 0 ? (
        <tr>
          <td />
          <td colSpan={4}>
            <UndecidedRows rows={p.undecided} pasteId={pasteId} onDecided={onDecided} />
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

/**
 * One playlist's lists of changes, with the stored tracks' titles where plm holds them (its
 * items, read when first opened); tracks it does not hold yet show as their URI.
 */
function PlaylistChanges({
  entry,
  accountId,
  playlistId,
}: {
  entry: BatchEntryPreview;
  accountId: number;
  playlistId: string | null;
}) {
  const items = useResource(
    async ({ signal }) => {
      const answer = await api.playlistItems(accountId, playlistId!, { signal });
      return new Map(answer.items.map((i) => [i.uri, `${i.name} – ${i.artists.join(', ')}`]));
    },
    { enabled: playlistId !== null, deps: [accountId, playlistId] },
  );
  const names = items.data;
  return <EntryLists entry={entry} nameOf={(uri) => names?.get(uri) ?? uri} />;
}

/** Rows the matcher could not settle: pick a candidate or leave the row out. */
function UndecidedRows({
  rows,
  pasteId,
  onDecided,
}: {
  rows: readonly ImportUndecidedRow[];
  pasteId: string | null;
  onDecided: () => void;
}) {
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const decide = async (row: ImportUndecidedRow, uri: string | null) => {
    if (!pasteId) return;
    setBusy(row.paste_line);
    setError(null);
    try {
      await api.decidePasteLine(
        pasteId,
        row.paste_line,
        uri ? { decision: 'accept', uri } : { decision: 'skip' },
      );
      onDecided();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="import-undecided" data-testid="import-undecided">
      <FormError error={error} />
      {rows.map((row) => (
        <div key={row.paste_line} class="import-decision" data-row={row.row}>
          <p>
            {rowLabel(row)}{' '}
            {row.status === 'pending' ? <span class="muted small">being matched…</span> : null}
          </p>
          {row.status === 'ambiguous' ? (
            <ul class="search-results" aria-label={`Candidates for ${rowLabel(row)}`}>
              {row.candidates.map(({ track }) => (
                <li key={track.uri} class="search-result">
                  <TrackSummary track={track} />
                  <button
                    type="button"
                    class="btn btn-small"
                    disabled={busy !== null}
                    aria-label={`Take ${track.name} by ${track.artists.join(', ')} for row ${row.row}`}
                    onClick={() => void decide(row, track.uri)}
                  >
                    Take
                  </button>
                </li>
              ))}
              <li>
                <button
                  type="button"
                  class="btn btn-small"
                  disabled={busy !== null}
                  aria-label={`Leave row ${row.row} out`}
                  onClick={() => void decide(row, null)}
                >
                  Leave it out
                </button>
              </li>
            </ul>
          ) : null}
        </div>
      ))}
    </div>
  );
}

/** The file's problems: "sheet “X”, row 12, column C: message". */
function IssueList({ preview }: { preview: ImportPreview }) {
  if (preview.issues.length === 0) return null;
  return (
    <section aria-labelledby="import-issues-title" data-testid="import-issues">
      <h3 id="import-issues-title" class="h-small">
        {plural(preview.issues.length, 'problem')} in the file
      </h3>
      <ul class="preview-list">
        {preview.issues.map((issue, i) => (
          <li key={i} data-severity={issue.severity}>
            <Badge kind={issue.severity === 'error' ? 'danger' : 'warn'}>
              {issue.severity === 'error' ? 'Error' : 'Warning'}
            </Badge>{' '}
            {issue.where ? `${issue.where}: ` : ''}
            {issue.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
