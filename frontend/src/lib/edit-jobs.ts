// Sending an edit and waiting for its job: an edit is a job (POST …/edits answers 202 with it),
// whose end arrives as a `job` event on the live stream (App puts every one in the jobs store).
import { api, type Job } from '../api/client';
import type { EditRequest } from './edit';
import { bus } from './events';
import { isActive, jobs, quietJobs, upsertJob } from './jobs';

/**
 * Resolves with the job once it has ended (succeeded, failed or cancelled). The end may already be
 * in the store (its event came before the POST's answer); after a reconnection, when events may
 * have been missed, the job is read once.
 */
export function waitForJob(id: string): Promise<Job> {
  return new Promise((resolve) => {
    const known = jobs.value.get(id);
    if (known && !isActive(known)) {
      resolve(known);
      return;
    }
    const seen = (job: Job) => {
      if (job.id !== id || isActive(job)) return;
      offJob();
      offReconnected();
      resolve(job);
    };
    const offJob = bus.on('job', seen);
    const offReconnected = bus.on('reconnected', () => {
      api.job(id).then(
        (details) => seen(details.job),
        () => undefined, // the next reconnection or event tells
      );
    });
  });
}

/**
 * Starts an edit and waits for its end. The page that asked says how it ended itself, so the
 * app-wide "job finished" notice stays quiet for this job.
 */
export function runEdit(accountId: number, playlistId: string, request: EditRequest): Promise<Job> {
  return runJob(() => api.applyEdit(accountId, playlistId, request));
}

/** Starts a job (an edit, a cover upload) and waits for its end, as runEdit does. */
export async function runJob(start: () => Promise<Job>): Promise<Job> {
  // Its end may come on the stream before the POST's answer: keep what ends meanwhile.
  const ended = new Map<string, Job>();
  const off = bus.on('job', (j) => {
    if (!isActive(j)) ended.set(j.id, j);
  });
  let job: Job;
  try {
    job = await start();
  } finally {
    off();
  }
  quietJobs.add(job.id);
  upsertJob(ended.get(job.id) ?? job);
  return waitForJob(job.id);
}

/** The newest recorded version of a playlist (the one an edit just made), for its Undo. */
export async function latestVersion(accountId: number, playlistId: string): Promise<number | null> {
  const list = await api.history(accountId, playlistId, { limit: 1 });
  return list.versions[0]?.version ?? null;
}
