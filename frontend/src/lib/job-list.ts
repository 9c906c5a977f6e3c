// The Jobs page's list as data: the state filter kept in the URL, and how pages and live `job`
// events fold into the rows shown (newest first).
import type { Job, JobState } from '../api/client';
import { ACTIVE_STATES, laterJob, stateName } from './jobs';

/** What the page shows: every job, the ones not over yet, or one state. */
export type JobFilter = 'all' | 'active' | JobState;

const STATES: readonly JobState[] = [
  'queued',
  'running',
  'interrupted',
  'succeeded',
  'failed',
  'cancelled',
];

/** The choices of the filter, in the order the page lists them. */
export const JOB_FILTERS: readonly (readonly [JobFilter, string])[] = [
  ['all', 'All jobs'],
  ['active', 'Not finished'],
  ...STATES.map((s) => [s, stateName(s)] as const),
];

/** The filter in a query string ("state=running"); anything unknown means all. */
export function decodeJobFilter(search: string): JobFilter {
  const value = new URLSearchParams(search).get('state');
  return JOB_FILTERS.find(([f]) => f === value)?.[0] ?? 'all';
}

export function encodeJobFilter(filter: JobFilter): string {
  return filter === 'all' ? '' : new URLSearchParams({ state: filter }).toString();
}

/** The `state` parameter of GET api/jobs for a filter (undefined: no filter). */
export function filterStates(filter: JobFilter): string | undefined {
  if (filter === 'all') return undefined;
  return filter === 'active' ? ACTIVE_STATES.join(',') : filter;
}

export function matchesFilter(job: Job, filter: JobFilter): boolean {
  if (filter === 'all') return true;
  return filter === 'active' ? ACTIVE_STATES.includes(job.state) : job.state === filter;
}

/** The rows shown and where the next page starts (null: nothing older). */
export interface JobRows {
  jobs: readonly Job[];
  nextBefore: string | null;
}

/**
 * A `job` event into the rows: a job shown is replaced where it is (even if it left the filter's
 * state: rows do not jump away under the reader; never by an older, active picture of it); a job not shown is added when it matches the
 * filter and falls within the loaded range (a new job goes on top; one older than every loaded
 * row belongs to a page not loaded yet).
 */
export function mergeJob(rows: JobRows, job: Job, filter: JobFilter): JobRows {
  const at = rows.jobs.findIndex((j) => j.id === job.id);
  if (at >= 0) {
    const jobs = [...rows.jobs];
    jobs[at] = laterJob(rows.jobs[at], job);
    return { ...rows, jobs };
  }
  if (!matchesFilter(job, filter)) return rows;
  const oldest = rows.jobs[rows.jobs.length - 1];
  if (rows.nextBefore !== null && oldest && job.created_at < oldest.created_at) return rows;
  // Before the first row that is older (the server's order is kept as it is).
  const before = rows.jobs.findIndex((j) => j.created_at < job.created_at);
  const jobs = [...rows.jobs];
  jobs.splice(before < 0 ? jobs.length : before, 0, job);
  return { ...rows, jobs };
}

/** The next page after the rows (a job already shown, e.g. added by an event, is not doubled). */
export function appendPage(
  rows: JobRows,
  page: readonly Job[],
  nextBefore: string | null,
): JobRows {
  const shown = new Set(rows.jobs.map((j) => j.id));
  return { jobs: [...rows.jobs, ...page.filter((j) => !shown.has(j.id))], nextBefore };
}
