import { Component } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError, type Job } from '../api/client';
import { JobProgress } from '../components/JobProgress';
import {
  CancelJobButton,
  JobStateBadge,
  accountName,
  useAccountNames,
} from '../components/JobParts';
import { Link } from '../components/Link';
import { DataTable, EmptyState, ErrorNotice, SelectField, Spinner } from '../components/ui';
import { formatDateTime, formatRelative } from '../lib/format';
import {
  JOB_FILTERS,
  appendPage,
  decodeJobFilter,
  encodeJobFilter,
  filterStates,
  mergeJob,
  type JobFilter,
  type JobRows,
} from '../lib/job-list';
import { countText, isActive, jobLabel, jobTarget, kindName, statusText } from '../lib/jobs';
import { useLiveEvent, useResource } from '../lib/resource';
import { setSearch } from '../lib/router';
import { mayWrite } from '../lib/session';
import { jobPath } from '../routes';

/** Jobs read per page (the API's default). */
export const JOBS_PAGE = 50;
/** The most the API returns at once: a re-read after a reconnection reads up to this many. */
const MAX_PAGE = 200;

const JOB_COLUMNS = [
  { label: 'Job' },
  { label: 'State' },
  { label: 'Progress' },
  { label: 'Created', class: 'hide-sm' },
  { label: 'Actions', hidden: true },
];

// The list's query, for the job page's "back to jobs" link.
let rememberedSearch = '';
export function jobsBackLink(): string {
  return rememberedSearch ? `jobs?${rememberedSearch}` : 'jobs';
}

/** The user's jobs, newest first, with live progress, a state filter in the URL and paging. */
export function JobsPage({ search }: { search: string }) {
  const filter = decodeJobFilter(search);
  rememberedSearch = search;
  const names = useAccountNames();
  const canWrite = mayWrite.value;

  const { data, error, reload, mutate } = useResource<JobRows>(
    async ({ signal }, previous) => {
      // After a reconnection, read again as many rows as are shown, so paging stays in place.
      const limit = Math.min(MAX_PAGE, Math.max(JOBS_PAGE, previous?.jobs.length ?? 0));
      const page = await api.jobs({ state: filterStates(filter), limit }, { signal });
      return { jobs: page.jobs, nextBefore: page.next_before };
    },
    { deps: [filter] },
  );

  // "Load more": the next page, dropped if the filter changed while it was read.
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const shownFilter = useRef(filter);
  shownFilter.current = filter;
  useEffect(() => setMore({ busy: false, error: null }), [filter]);
  const loadMore = async () => {
    const before = data?.nextBefore;
    if (!before) return;
    const asked = filter;
    setMore({ busy: true, error: null });
    try {
      const page = await api.jobs({ state: filterStates(asked), before, limit: JOBS_PAGE });
      if (shownFilter.current !== asked) return;
      mutate((rows) => rows && appendPage(rows, page.jobs, page.next_before));
      setMore({ busy: false, error: null });
    } catch (e) {
      if (shownFilter.current === asked) setMore({ busy: false, error: e });
    }
  };

  // Live progress: `job` events update rows in place (and bring in new jobs on top); a change of
  // state is announced once, not every progress step.
  const [announcement, setAnnouncement] = useState('');
  useLiveEvent('job', (job) => {
    const before = data?.jobs.find((j) => j.id === job.id);
    if (before && statusText(before) !== statusText(job))
      setAnnouncement(`${jobLabel(job, accountName(names, job))}: ${statusText(job)}`);
    mutate((rows) => rows && mergeJob(rows, job, filter));
  });
  const replaceRow = (job: Job) => mutate((rows) => rows && mergeJob(rows, job, filter));
  // Stable, so a live event re-renders only the row of its job (JobRow).
  const latestReplace = useRef(replaceRow);
  latestReplace.current = replaceRow;
  const onCancelled = useCallback((job: Job) => latestReplace.current(job), []);

  const rows = data?.jobs ?? null;
  let body;
  if (error && !rows) {
    body = <ErrorNotice error={error} onRetry={reload} />;
  } else if (!rows) {
    body = <Spinner label="Loading jobs…" />;
  } else if (rows.length === 0) {
    body =
      filter === 'all' ? (
        <EmptyState title="No jobs yet">
          <p>Syncs you start, here or on the accounts and playlist pages, are listed here.</p>
        </EmptyState>
      ) : (
        <EmptyState title="No jobs in this state" icon="⌕">
          <button type="button" class="btn" onClick={() => setSearch(encodeJobFilter('all'))}>
            Show all jobs
          </button>
        </EmptyState>
      );
  } else {
    body = (
      <>
        <DataTable caption="Jobs, newest first" columns={JOB_COLUMNS} testId="jobs-table">
          {rows.map((job) => (
            <JobRow
              key={job.id}
              job={job}
              name={accountName(names, job)}
              canWrite={canWrite}
              onCancelled={onCancelled}
            />
          ))}
        </DataTable>
        {error ? <p class="form-error">Could not refresh: {describeError(error)}</p> : null}
        {data?.nextBefore ? (
          <div class="load-more">
            <button type="button" class="btn" onClick={loadMore} disabled={more.busy}>
              {more.busy ? 'Loading…' : 'Load more jobs'}
            </button>
            {more.error ? (
              <p class="form-error" role="alert">
                Could not load more: {describeError(more.error)}
              </p>
            ) : null}
          </div>
        ) : null}
      </>
    );
  }

  return (
    <div class="page page-wide">
      <div class="page-head">
        <h1>Jobs</h1>
        <p class="lead">What plm does in the background for you, newest first.</p>
      </div>
      <div class="toolbar">
        <div class="filters">
          <SelectField
            id="job-state"
            label="Show"
            value={filter}
            onChange={(v) => setSearch(encodeJobFilter(v as JobFilter))}
            options={JOB_FILTERS}
          />
        </div>
      </div>
      {body}
      <p class="visually-hidden" aria-live="polite" data-testid="job-announcer">
        {announcement}
      </p>
    </div>
  );
}

interface JobRowProps {
  job: Job;
  name: string | null;
  canWrite: boolean;
  onCancelled: (job: Job) => void;
}

/**
 * One job: re-rendered only when its own job changes (the list grows with "Load more", and live
 * progress events come in bursts while jobs run).
 */
class JobRow extends Component<JobRowProps> {
  override shouldComponentUpdate(next: JobRowProps): boolean {
    const p = this.props;
    return (
      next.job !== p.job ||
      next.name !== p.name ||
      next.canWrite !== p.canWrite ||
      next.onCancelled !== p.onCancelled
    );
  }

  override render({ job, name, canWrite, onCancelled }: JobRowProps) {
    const label = jobLabel(job, name);
    return (
      <tr data-testid="job-row" data-job-id={job.id}>
        <th scope="row">
          <Link to={jobPath(job.id)} aria-label={`${label}: details`}>
            {kindName(job.kind)}
          </Link>
          <div class="muted small">{jobTarget(job, name)}</div>
        </th>
        <td>
          <JobStateBadge job={job} />
        </td>
        <td class="jobs-progress">
          {isActive(job) ? (
            <JobProgress job={job} label={`Progress of ${label}`} />
          ) : (
            <FinishedProgress job={job} />
          )}
        </td>
        <td class="hide-sm">
          <span title={formatDateTime(job.created_at)}>{formatRelative(job.created_at)}</span>
        </td>
        <td class="row-actions">
          {canWrite ? <CancelJobButton job={job} label={label} onCancelled={onCancelled} /> : null}
        </td>
      </tr>
    );
  }
}

/** How far a finished job got, and its error or last message. */
function FinishedProgress({ job }: { job: Job }) {
  const parts = [
    job.total > 0 ? countText(job) : null,
    job.error?.message ?? (job.message || null),
  ];
  return (
    <span class={`small${job.error ? ' job-error' : ''}`}>
      {parts.filter((p) => p !== null).join(' · ')}
    </span>
  );
}
