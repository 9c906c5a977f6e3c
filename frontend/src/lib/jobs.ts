// The jobs this tab knows about (from POST …/sync answers, GET api/jobs and `job` events).
import { signal } from '@preact/signals';
import type { Job } from '../api/client';

export const jobs = signal<ReadonlyMap<string, Job>>(new Map());

export function isActive(job: Job): boolean {
  return job.state === 'queued' || job.state === 'running';
}

export function upsertJob(job: Job): void {
  const next = new Map(jobs.value);
  next.set(job.id, job);
  jobs.value = next;
}

export function replaceJobs(list: readonly Job[]): void {
  jobs.value = new Map(list.map((j) => [j.id, j]));
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

/** Fraction done in [0, 1], or null while the total is not known yet (still listing). */
export function jobFraction(job: Job): number | null {
  if (job.total <= 0) return null;
  // Progress is counted in playlists: a one-playlist sync has no steps to show until it ends.
  if (job.kind === 'sync_playlist' && isActive(job)) return null;
  return Math.min(1, Math.max(0, job.done / job.total));
}
