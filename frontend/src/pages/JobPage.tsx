import { useMemo, useState } from 'preact/hooks';
import { ApiError, api, type Job, type JobItem } from '../api/client';
import { UndoPreview, mayUndo } from '../components/BatchParts';
import { JobProgress } from '../components/JobProgress';
import {
  CancelJobButton,
  JobStateBadge,
  OUTCOME_BADGES,
  accountName,
  useAccountNames,
} from '../components/JobParts';
import { Link } from '../components/Link';
import {
  Badge,
  DataTable,
  EmptyState,
  ErrorNotice,
  HiddenPageTitle,
  Spinner,
} from '../components/ui';
import { formatCount, formatDateTime, formatTimestamp, formatWaitedMs } from '../lib/format';
import {
  ITEMS_ARE_PLAYLISTS,
  countText,
  eventName,
  isActive,
  isProblem,
  jobLabel,
  laterJob,
  jobTarget,
  kindName,
  outcomeName,
  outcomeSummary,
} from '../lib/jobs';
import { useLiveEvent, useResource } from '../lib/resource';
import { resultCounts } from '../lib/batch';
import { navigate } from '../lib/router';
import { mayWrite } from '../lib/session';
import { jobPath, playlistPath } from '../routes';
import { jobsBackLink } from './JobsPage';

const ITEM_COLUMNS = [{ label: 'Item' }, { label: 'Outcome' }, { label: 'Details' }];
const HISTORY_COLUMNS = [{ label: 'Time' }, { label: 'Event' }, { label: 'Message' }];

/** One job: its state with live progress, its Spotify calls, its per-item results and history. */
export function JobPage({ jobId }: { jobId: string }) {
  const names = useAccountNames();
  const canWrite = mayWrite.value;
  // Events of this job move its progress at once; the items and history they add are re-read
  // (at most once a second while it runs).
  const { data, error, reload, mutate } = useResource(({ signal }) => api.job(jobId, { signal }), {
    deps: [jobId],
    refreshOn: [{ on: 'job', when: (job) => job.id === jobId }],
  });
  // A batch's Undo of some of its playlists (a row's Undo), or of all (null: the whole batch).
  const [undoOnly, setUndoOnly] = useState<string[] | null | undefined>(undefined);
  const setJob = (job: Job) => mutate((d) => d && { ...d, job: laterJob(d.job, job) });
  useLiveEvent('job', (job) => {
    if (job.id === jobId) setJob(job);
  });

  const back = (
    <Link to={jobsBackLink()} class="back-link">
      <span aria-hidden="true">← </span>All jobs
    </Link>
  );
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div class="page">
        {back}
        <EmptyState title="Job not found" icon="?" pageTitle>
          <p>It may belong to another user, or plm no longer keeps it.</p>
        </EmptyState>
      </div>
    );
  }
  if (!data) {
    return (
      <div class="page">
        {back}
        <HiddenPageTitle>Job</HiddenPageTitle>
        {error ? <ErrorNotice error={error} onRetry={reload} /> : <Spinner label="Loading job…" />}
      </div>
    );
  }

  const { job, items, history } = data;
  const name = accountName(names, job);
  const label = jobLabel(job, name);
  return (
    <div class="page">
      {back}
      <div class="page-head page-head-row">
        <div>
          <p class="eyebrow">Job {job.id}</p>
          <h1>{kindName(job.kind)}</h1>
          <p class="lead">{jobTarget(job, name)}</p>
        </div>
        {canWrite ? <CancelJobButton job={job} label={label} onCancelled={setJob} /> : null}
      </div>

      <section class="card" aria-labelledby="job-status-title">
        <h2 id="job-status-title" class="h-small">
          Status
        </h2>
        <p class="job-status" aria-live="polite" data-testid="job-status">
          <JobStateBadge job={job} />
          {job.message ? <span> {job.message}</span> : null}
        </p>
        {isActive(job) ? <JobProgress job={job} label={`Progress of ${label}`} /> : null}
        {job.error ? (
          <div
            class={`notice ${job.state === 'failed' ? 'notice-error' : 'notice-warn'}`}
            role="note"
          >
            <p>
              {job.error.message} <span class="muted small">({job.error.code})</span>
              {job.error.retry_at ? ` Next try: ${formatDateTime(job.error.retry_at)}.` : ''}
            </p>
          </div>
        ) : null}
        <dl class="facts">
          <Fact term="Created" value={formatDateTime(job.created_at)} />
          {job.state === 'queued' ? (
            <Fact term="Not before" value={formatDateTime(job.run_at)} />
          ) : null}
          <Fact term="Started" value={formatDateTime(job.started_at) || '—'} />
          <Fact term="Finished" value={formatDateTime(job.finished_at) || '—'} />
          <Fact term="Attempts" value={formatCount(job.attempts)} />
          {job.total > 0 ? <Fact term="Progress" value={countText(job)} /> : null}
        </dl>
      </section>

      <section class="card" aria-labelledby="job-calls-title">
        <h2 id="job-calls-title" class="h-small">
          Spotify calls
        </h2>
        <dl class="facts">
          <Fact term="Calls" value={formatCount(job.api.calls)} />
          <Fact term="Check reads" value={formatCount(job.api.check_reads)} />
          <Fact term="Retries" value={formatCount(job.api.retries)} />
          <Fact term="Rate limited" value={formatCount(job.api.rate_limited)} />
          <Fact term="Waited" value={formatWaitedMs(job.api.waited_ms)} />
        </dl>
        <p class="muted small">
          Over all attempts. Check reads are among the calls: reads that confirmed a playlist’s
          snapshot before a change, or settled a change whose outcome was unknown. Rate limited
          counts Spotify’s “too many requests” answers.
        </p>
      </section>

      {canWrite && mayUndo(job, items) ? (
        <BatchUndoSection job={job} only={undoOnly} onOnly={setUndoOnly} />
      ) : null}

      <ItemResults
        job={job}
        items={items}
        onUndo={canWrite && mayUndo(job, items) ? (key) => setUndoOnly([key]) : undefined}
      />

      <section class="job-section" aria-labelledby="job-history-title">
        <h2 id="job-history-title" class="h-small">
          History
        </h2>
        {history.length === 0 ? (
          <p class="muted small">Nothing recorded yet.</p>
        ) : (
          <DataTable
            caption="History of the job, oldest first"
            columns={HISTORY_COLUMNS}
            testId="job-history"
          >
            {history.map((ev, i) => (
              <tr key={i}>
                <td class="nowrap">
                  <time dateTime={ev.at}>{formatTimestamp(ev.at)}</time>
                </td>
                <th scope="row">{eventName(ev.kind)}</th>
                <td>{ev.message}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}

function Fact({ term, value }: { term: string; value: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/**
 * A finished batch's Undo: "Undo the batch", or the preview of the undo of all of it (only null) or
 * of the playlists a row's Undo named; a started undo is a job of its own, whose page opens.
 */
function BatchUndoSection({
  job,
  only,
  onOnly,
}: {
  job: Job;
  only: string[] | null | undefined;
  onOnly: (only: string[] | null | undefined) => void;
}) {
  return (
    <section class="job-section" aria-labelledby="job-undo-title">
      <h2 id="job-undo-title" class="h-small">
        Undo
      </h2>
      {only === undefined ? (
        <button type="button" class="btn" onClick={() => onOnly(null)}>
          Undo the batch
        </button>
      ) : (
        <UndoPreview
          key={only?.join(',') ?? '*'}
          job={job}
          playlistIds={only ?? undefined}
          onCancel={() => onOnly(undefined)}
          onStarted={(undo) => {
            onOnly(undefined);
            navigate(jobPath(undo.id));
          }}
        />
      )}
    </section>
  );
}

/** How each item ended, with a switch to only the problems when there are some among many. */
function ItemResults({
  job,
  items,
  onUndo,
}: {
  job: Job;
  items: readonly JobItem[];
  /** A batch's per-playlist Undo, on the playlists it changed. */
  onUndo?: (key: string) => void;
}) {
  const [onlyProblems, setOnlyProblems] = useState(false);
  const problems = useMemo(() => items.filter(isProblem), [items]);
  const shown = onlyProblems ? problems : items;
  const linkTo = (item: JobItem) =>
    ITEMS_ARE_PLAYLISTS[job.kind] && job.account_id !== null
      ? playlistPath(job.account_id, item.key)
      : null;
  return (
    <section class="job-section" aria-labelledby="job-items-title">
      <h2 id="job-items-title" class="h-small">
        Results
      </h2>
      {items.length === 0 ? (
        <p class="muted small">
          {isActive(job) ? 'No item has finished yet.' : 'This job recorded no items.'}
        </p>
      ) : (
        <>
          <div class="result-line">
            <p class="muted small" data-testid="job-outcomes">
              {job.kind === 'batch_edit'
                ? resultCounts(items, isActive(job))
                : outcomeSummary(items)}
            </p>
            {problems.length > 0 && problems.length < items.length ? (
              <label class="check-label small">
                <input
                  type="checkbox"
                  checked={onlyProblems}
                  onChange={(e) => setOnlyProblems(e.currentTarget.checked)}
                />{' '}
                Only failures and conflicts
              </label>
            ) : null}
          </div>
          <DataTable
            caption="Result of each item"
            columns={onUndo ? [...ITEM_COLUMNS, { label: 'Actions', hidden: true }] : ITEM_COLUMNS}
            testId="job-items"
          >
            {shown.map((item) => {
              const to = linkTo(item);
              return (
                <tr key={item.key} data-testid="job-item">
                  <th scope="row">
                    {to ? <Link to={to}>{item.label || item.key}</Link> : item.label || item.key}
                  </th>
                  <td>
                    <Badge kind={OUTCOME_BADGES[item.outcome]}>{outcomeName(item.outcome)}</Badge>
                  </td>
                  <td>
                    {item.detail}
                    {item.error ? (
                      <span class="job-error">
                        {item.detail ? ' · ' : ''}
                        {item.error.message} <span class="muted small">({item.error.code})</span>
                      </span>
                    ) : null}
                  </td>
                  {onUndo ? (
                    <td>
                      {item.outcome === 'done' ? (
                        <button
                          type="button"
                          class="btn btn-small"
                          aria-label={`Undo the batch in ${item.label || item.key}`}
                          onClick={() => onUndo(item.key)}
                        >
                          Undo
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </DataTable>
        </>
      )}
    </section>
  );
}
