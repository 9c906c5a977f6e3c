// Pieces every batch view shares (the batch dialog, where-is-this-track, a batch job's page): the
// preview table with its totals, a running batch with its live per-playlist results, and the
// Undo of a finished batch (previewed with dry_run before anything is sent).
import { useState } from 'preact/hooks';
import { api, describeError, type BatchPreview, type Job, type JobItem } from '../api/client';
import { durationText, entryChange, previewTotals, resultCounts } from '../lib/batch';
import { formatCount, plural } from '../lib/format';
import { isActive, laterJob, outcomeName, quietJobs, upsertJob } from '../lib/jobs';
import { useLiveEvent, useResource } from '../lib/resource';
import { usePreview } from '../lib/use-preview';
import { jobPath, playlistPath } from '../routes';
import { CancelJobButton, JobStateBadge, OUTCOME_BADGES } from './JobParts';
import { JobProgress } from './JobProgress';
import { Link } from './Link';
import { Badge, DataTable, ErrorNotice, FormError, Spinner } from './ui';

const STATUS_BADGES = { change: 'ok', unchanged: 'neutral', refused: 'warn' } as const;
const STATUS_NAMES = { change: 'Changes', unchanged: 'Unchanged', refused: 'Refused' } as const;
const PREVIEW_COLUMNS = [
  { label: 'Playlist' },
  { label: 'Status' },
  { label: 'What changes' },
  { label: 'Calls', class: 'num' },
];

/** The totals of a preview and a row per playlist (change / unchanged / refused and why). */
export function BatchPreviewTable({
  preview,
  accountId,
}: {
  preview: BatchPreview;
  accountId: number;
}) {
  return (
    <div aria-live="polite" data-testid="batch-preview">
      <p>
        <strong>{preview.summary}</strong>
      </p>
      <dl class="preview-facts" data-testid="batch-totals">
        <dt>Playlists</dt>
        <dd>{previewTotals(preview)}</dd>
        <dt>Spotify calls</dt>
        <dd>
          {formatCount(preview.calls)}
          {preview.check_reads ? ` (${formatCount(preview.check_reads)} of them check reads)` : ''}
        </dd>
        <dt>Expected duration</dt>
        <dd>
          {durationText(preview.expected_seconds)}{' '}
          <span class="muted small">
            (at {formatCount(preview.rate_budget)} calls per 30 s, one at a time)
          </span>
        </dd>
      </dl>
      <DataTable
        caption="What the batch does to each playlist"
        columns={PREVIEW_COLUMNS}
        testId="batch-preview-table"
      >
        {preview.entries.map((e) => (
          <tr key={e.playlist_id} data-testid="batch-entry" data-status={e.status}>
            <th scope="row">
              <Link to={playlistPath(accountId, e.playlist_id)}>{e.name || e.playlist_id}</Link>
            </th>
            <td>
              <Badge kind={STATUS_BADGES[e.status]}>{STATUS_NAMES[e.status]}</Badge>
            </td>
            <td>{entryChange(e)}</td>
            <td class="num">{formatCount(e.calls)}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

/** "Not run" for a pending playlist of a batch that ended; "Waiting" while it still runs. */
function outcomeText(item: JobItem, job: Job): string {
  if (item.outcome === 'pending') return isActive(job) ? 'Waiting' : 'Not run';
  return outcomeName(item.outcome);
}

/** A batch job's per-playlist results (links to the playlists). */
export function BatchResults({ job, items }: { job: Job; items: readonly JobItem[] }) {
  const accountId = job.account_id;
  return (
    <>
      <p class="muted small" data-testid="batch-result-counts">
        {resultCounts(items, isActive(job))}
      </p>
      <DataTable
        caption="Result for each playlist"
        columns={[{ label: 'Playlist' }, { label: 'Result' }, { label: 'Details' }]}
        testId="batch-results"
      >
        {items.map((item) => (
          <tr key={item.key} data-testid="batch-result" data-outcome={item.outcome}>
            <th scope="row">
              {accountId !== null ? (
                <Link to={playlistPath(accountId, item.key)}>{item.label || item.key}</Link>
              ) : (
                item.label || item.key
              )}
            </th>
            <td>
              <Badge kind={OUTCOME_BADGES[item.outcome]}>{outcomeText(item, job)}</Badge>
            </td>
            <td>
              {item.detail}
              {item.error ? (
                <span class="job-error">
                  {item.detail ? ' · ' : ''}
                  {item.error.message}
                </span>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

/**
 * Reads a job with its items, again on its events (coalesced, at most once a second). `apply`
 * takes a newer state of the job (an event, a cancel's answer).
 */
export function useJobDetails(jobId: string) {
  const resource = useResource(({ signal }) => api.job(jobId, { signal }), {
    deps: [jobId],
    refreshOn: [{ on: 'job', when: (job) => job.id === jobId }],
  });
  // While the job runs, its state moves the progress bar at once and the items follow with the
  // coalesced re-read. Its end is shown only together with the items it ended with (read at once):
  // "Succeeded" beside playlists still marked "Waiting" or "Not run" would be a false result.
  const apply = (job: Job) => {
    if (isActive(job)) resource.mutate((d) => d && { ...d, job: laterJob(d.job, job) });
    else void resource.reload();
  };
  useLiveEvent('job', (job) => {
    if (job.id === jobId) apply(job);
  });
  return { ...resource, apply };
}

/**
 * A batch job as it runs and once it ended: live progress, each playlist's result as it arrives,
 * Cancel, and when finished the counts, Undo and a link to the job's page.
 */
export function BatchJobView({
  jobId,
  onUndoStarted,
}: {
  jobId: string;
  onUndoStarted?: (job: Job) => void;
}) {
  const { data, error, reload, apply } = useJobDetails(jobId);
  if (!data) return error ? <ErrorNotice error={error} onRetry={reload} /> : <Spinner />;
  const { job, items } = data;
  const label = `the batch edit ${job.id}`;
  return (
    <div class="batch-job" data-testid="batch-job" data-job-id={job.id}>
      <p class="job-status" aria-live="polite" data-testid="batch-job-status">
        <JobStateBadge job={job} />
        {/* While it runs the progress line says what it does. */}
        {job.message && !isActive(job) ? <span> {job.message}</span> : null}
      </p>
      {isActive(job) ? (
        <div class="edit-bar">
          <JobProgress job={job} label={`Progress of ${label}`} />
          <CancelJobButton job={job} label={label} onCancelled={apply} />
        </div>
      ) : null}
      {job.error && job.state === 'failed' ? <FormError error={job.error.message} /> : null}
      <BatchResults job={job} items={items} />
      {!isActive(job) && items.some((i) => i.outcome === 'pending') ? (
        <p class="hint" data-testid="batch-stopped-note">
          The batch stopped before it reached the playlists marked “Not run”: nothing was sent to
          them. (A cancel lets the playlist being edited at that moment finish first.)
        </p>
      ) : null}
      <div class="edit-bar">
        {!isActive(job) && onUndoStarted ? (
          <UndoBatch job={job} items={items} onStarted={onUndoStarted} />
        ) : null}
        <Link to={jobPath(job.id)}>Open the job’s page</Link>
      </div>
    </div>
  );
}

/** "Undo the batch": opens the undo's preview, from which it starts. */
export function UndoBatch({
  job,
  items,
  onStarted,
}: {
  job: Job;
  items: readonly JobItem[];
  onStarted: (job: Job) => void;
}) {
  const [open, setOpen] = useState(false);
  if (!mayUndo(job, items)) return null;
  return open ? (
    <UndoPreview job={job} onCancel={() => setOpen(false)} onStarted={onStarted} />
  ) : (
    <button type="button" class="btn" onClick={() => setOpen(true)}>
      Undo the batch
    </button>
  );
}

/** A finished batch that changed playlists may be undone (an undo is a batch too). */
export function mayUndo(job: Job, items: readonly JobItem[]): boolean {
  return (
    job.kind === 'batch_edit' &&
    job.account_id !== null &&
    !isActive(job) &&
    items.some((i) => i.outcome === 'done')
  );
}

/**
 * What undoing the batch (or some of its playlists) would do, asked of the server with dry_run,
 * and the button that starts it.
 */
export function UndoPreview({
  job,
  playlistIds,
  onCancel,
  onStarted,
}: {
  job: Job;
  playlistIds?: string[];
  onCancel: () => void;
  onStarted: (job: Job) => void;
}) {
  const { data: preview, error } = usePreview(
    () => api.previewUndoBatch(job.id, playlistIds),
    `${job.id}/${playlistIds?.join(',') ?? '*'}`,
  );
  const [busy, setBusy] = useState(false);
  const [runError, setRunError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setRunError(null);
    try {
      onStarted(await startBatchJob(() => api.undoBatch(job.id, playlistIds)));
    } catch (e) {
      setRunError(e);
      setBusy(false);
    }
  };
  return (
    <div class="card batch-undo" data-testid="undo-preview">
      <h3 class="h-small">
        {playlistIds?.length === 1 ? 'Undo the batch in one playlist' : 'Undo the batch'}
      </h3>
      {error ? <FormError error={describeError(error)} /> : null}
      {runError ? <FormError error={describeError(runError)} /> : null}
      {!preview && !error ? <Spinner label="Asking the server what the undo would do…" /> : null}
      {preview && job.account_id !== null ? (
        <BatchPreviewTable preview={preview} accountId={job.account_id} />
      ) : null}
      <div class="edit-bar">
        <button type="button" class="btn" onClick={onCancel}>
          Keep the batch
        </button>
        <button
          type="button"
          class="btn btn-danger"
          disabled={!preview || preview.changed === 0 || busy}
          onClick={() => void run()}
        >
          {preview ? `Undo ${plural(preview.changed, 'playlist')}` : 'Preparing…'}
        </button>
      </div>
    </div>
  );
}

/**
 * Starts a batch job: the view that started it shows its end, so the app-wide "finished" notice
 * stays quiet for it. Its results are read from GET api/jobs/{id}, so an end event that arrives
 * before this answer is not missed.
 */
export async function startBatchJob(start: () => Promise<Job>): Promise<Job> {
  const job = await start();
  quietJobs.add(job.id);
  upsertJob(job);
  return job;
}
