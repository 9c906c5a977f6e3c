// The jobs this tab knows about (from POST …/sync answers, GET api/jobs and `job` events), and the
// words for a job's kind, state and progress that every view of a job shares.
import { signal } from '@preact/signals';
import type { Job, JobEvent, JobItem, JobKind, JobState, JobUnit } from '../api/client';
import { formatCount, plural } from './format';

/** The active jobs of the signed-in user. */
export const jobs = signal<ReadonlyMap<string, Job>>(new Map());

/** States of a job that is not over: it runs, waits to run, or resumes by itself. */
export const ACTIVE_STATES: readonly JobState[] = ['queued', 'running', 'interrupted'];

export function isActive(job: Job): boolean {
  return ACTIVE_STATES.includes(job.state);
}

/**
 * The later of two pictures of one job. A finished job never becomes active again (a retry is a
 * queued state, not a finished one), so an active picture that arrives after a finished one is
 * older: the event of a cancel answer racing the worker's final event, or a job list fetched just
 * before the job ended. Taking it would show a finished job as running for good.
 */
export function laterJob(known: Job | undefined, incoming: Job): Job {
  return known && !isActive(known) && isActive(incoming) ? known : incoming;
}

/**
 * Jobs whose end the page that started them announces itself (an edit says what it did and offers
 * Undo), so the app-wide "finished" notice skips them.
 */
export const quietJobs = new Set<string>();

/**
 * Kinds whose end is always said by the view that started them: a paste's matching is started only
 * by the paste panel, and it may end (every line found among the stored tracks) before the POST
 * that started it has answered, too early to put its id in `quietJobs`.
 */
const QUIET_KINDS: ReadonlySet<JobKind> = new Set<JobKind>(['match_paste']);

/** Whether the app-wide "job finished" notice stays quiet for this job. */
export function endIsQuiet(job: Job): boolean {
  return quietJobs.has(job.id) || QUIET_KINDS.has(job.kind);
}

export function upsertJob(job: Job): void {
  const next = new Map(jobs.value);
  next.set(job.id, laterJob(jobs.value.get(job.id), job));
  jobs.value = next;
}

export function replaceJobs(list: readonly Job[]): void {
  jobs.value = new Map(list.map((j) => [j.id, laterJob(jobs.value.get(j.id), j)]));
}

/** The newest active sync of an account (kind sync_account), if any. */
export function activeAccountJob(all: ReadonlyMap<string, Job>, accountId: number): Job | null {
  return newest(all, (j) => j.kind === 'sync_account' && j.account_id === accountId && isActive(j));
}

/** The newest active job that touches a playlist: its own sync or its account's sync. */
export function activePlaylistJob(
  all: ReadonlyMap<string, Job>,
  accountId: number,
  playlistId: string,
): Job | null {
  return newest(
    all,
    (j) =>
      isActive(j) &&
      j.account_id === accountId &&
      (j.kind === 'sync_account' || j.playlist_id === playlistId),
  );
}

function newest(all: ReadonlyMap<string, Job>, pred: (j: Job) => boolean): Job | null {
  let best: Job | null = null;
  for (const j of all.values()) if (pred(j) && (!best || j.created_at > best.created_at)) best = j;
  return best;
}

/**
 * Fraction done in [0, 1], or null while there is nothing to measure: the total is not known yet
 * (a sync still listing), or the job is one step that has not ended (a one-playlist sync).
 */
export function jobFraction(job: Job): number | null {
  if (job.total <= 0) return null;
  if (job.total === 1 && isActive(job)) return null;
  return Math.min(1, Math.max(0, job.done / job.total));
}

const UNIT_NAMES: Record<JobUnit, [one: string, many: string]> = {
  items: ['item', 'items'],
  playlists: ['playlist', 'playlists'],
  tracks: ['track', 'tracks'],
  calls: ['Spotify call', 'Spotify calls'],
  lines: ['line', 'lines'],
};

const KIND_NAMES: Record<JobKind, string> = {
  sync_account: 'Sync of an account',
  sync_playlist: 'Sync of a playlist',
  edit_playlist: 'Edit of a playlist',
  create_playlist: 'New playlist',
  split_playlist: 'Split of a playlist',
  delete_playlist: 'Deletion of a playlist',
  batch_edit: 'Batch edit',
  match_paste: 'Matching of pasted lines',
};

/** What a running job of each kind does while its progress cannot be measured yet. */
const KIND_STARTING: Record<JobKind, string> = {
  sync_account: 'Listing playlists…',
  sync_playlist: 'Reading the playlist…',
  edit_playlist: 'Checking the playlist…',
  create_playlist: 'Creating the playlist…',
  split_playlist: 'Reading the playlist…',
  delete_playlist: 'Unfollowing the playlist…',
  batch_edit: 'Planning the batch…',
  match_paste: 'Reading the lines…',
};

const STATE_NAMES: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export function kindName(kind: JobKind): string {
  return KIND_NAMES[kind];
}

export function stateName(state: JobState): string {
  return STATE_NAMES[state];
}

/** "30 of 120 playlists". */
export function countText(job: Job): string {
  const [one, many] = UNIT_NAMES[job.unit];
  return `${formatCount(job.done)} of ${plural(job.total, one, many)}`;
}

/** The state of a job as a person would say it, including a cancel that is under way. */
export function statusText(job: Job): string {
  if (job.cancel_requested && isActive(job)) return 'Cancelling…';
  return stateName(job.state);
}

/** One line about where a job is, for its progress bar. */
export function progressText(job: Job): string {
  if (job.cancel_requested && isActive(job)) return 'Cancelling…';
  switch (job.state) {
    case 'queued':
      // A queued job with an error waits to retry (Spotify asked to wait, say).
      return job.error ? 'Waiting to try again…' : 'Waiting to start…';
    case 'interrupted':
      return 'Interrupted; it resumes by itself…';
    case 'running':
      return jobFraction(job) === null ? KIND_STARTING[job.kind] : countText(job);
    default:
      return job.total > 0 ? countText(job) : stateName(job.state);
  }
}

/** Queued, interrupted and running jobs may be cancelled, unless a cancel was already asked for. */
export function mayCancel(job: Job): boolean {
  return isActive(job) && !job.cancel_requested;
}

/** A running job stops between two steps (what was done stays done): ask first. */
export function cancelNeedsConfirmation(job: Job): boolean {
  return job.state === 'running';
}

/** The toast for a job that just ended. */
export function endNotice(job: Job): { text: string; kind: 'success' | 'error' | 'info' } {
  const what = kindName(job.kind);
  switch (job.state) {
    case 'succeeded':
      return { text: `${what} finished: ${job.message || 'up to date'}`, kind: 'success' };
    case 'cancelled':
      return { text: `${what} was cancelled.`, kind: 'info' };
    default:
      return { text: `${what} failed: ${job.error?.message ?? job.message}`, kind: 'error' };
  }
}

/** How many items ended each way ("320 done, 2 failed"), in a fixed order, zeros left out. */
export function outcomeSummary(items: readonly JobItem[]): string {
  const order: JobItem['outcome'][] = ['done', 'unchanged', 'skipped', 'conflict', 'failed'];
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.outcome, (counts.get(item.outcome) ?? 0) + 1);
  return order
    .filter((o) => counts.has(o))
    .map((o) => `${formatCount(counts.get(o)!)} ${o}`)
    .join(', ');
}

/** Whether the items of a kind of job are playlists of its account (so they can link to them). */
export const ITEMS_ARE_PLAYLISTS: Record<JobKind, boolean> = {
  sync_account: true,
  sync_playlist: true,
  edit_playlist: true,
  create_playlist: true,
  split_playlist: true,
  delete_playlist: true,
  batch_edit: true,
  match_paste: false,
};

const OUTCOME_NAMES: Record<JobItem['outcome'], string> = {
  done: 'Done',
  unchanged: 'Unchanged',
  skipped: 'Skipped',
  conflict: 'Conflict',
  failed: 'Failed',
  pending: 'Not run',
};

const EVENT_NAMES: Record<JobEvent['kind'], string> = {
  enqueued: 'Queued',
  started: 'Started',
  resumed: 'Resumed',
  interrupted: 'Interrupted',
  retry_scheduled: 'Retry scheduled',
  cancel_requested: 'Cancel requested',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function outcomeName(outcome: JobItem['outcome']): string {
  return OUTCOME_NAMES[outcome];
}

export function eventName(kind: JobEvent['kind']): string {
  return EVENT_NAMES[kind];
}

/** Items that did not go as planned, shown first when someone looks for problems. */
export function isProblem(item: JobItem): boolean {
  return item.outcome === 'failed' || item.outcome === 'conflict';
}

/** What a job works on, for people: "Demo Pro", or "playlist 37i9… of Demo Pro". */
export function jobTarget(job: Job, accountName: string | null): string {
  const account =
    accountName ?? (job.account_id === null ? 'no account' : `account ${job.account_id}`);
  return job.playlist_id ? `playlist ${job.playlist_id} of ${account}` : account;
}

/** A name for one job, for headings and the labels of its buttons. */
export function jobLabel(job: Job, accountName: string | null): string {
  return `${kindName(job.kind)} (${jobTarget(job, accountName)})`;
}
