import type { Job } from '../api/client';
import { isActive, jobFraction } from '../lib/jobs';
import { formatCount, plural } from '../lib/format';

/** A live progress bar for a sync job (indeterminate while the total is unknown). */
export function JobProgress({ job, label }: { job: Job | null; label: string }) {
  const fraction = job ? jobFraction(job) : null;
  const pct = fraction === null ? null : Math.round(fraction * 100);
  const text = job
    ? job.kind === 'sync_playlist' && isActive(job)
      ? job.state === 'queued'
        ? 'Waiting to start…'
        : 'Reading the playlist…'
      : job.total > 0
        ? `${formatCount(job.done)} of ${plural(job.total, 'playlist')}`
        : job.state === 'queued'
          ? 'Waiting to start…'
          : 'Listing playlists…'
    : 'Syncing…';
  return (
    <div class="job-progress" data-testid="job-progress">
      <div
        class={`progress${pct === null ? ' progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={text}
      >
        <div class="progress-fill" style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
      <div class="job-progress-text">
        <span>{text}</span>
        {job?.message ? <span class="muted"> · {job.message}</span> : null}
      </div>
    </div>
  );
}
