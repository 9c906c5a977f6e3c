import type { Job } from '../api/client';
import { jobFraction, progressText } from '../lib/jobs';

/** A live progress bar for a job (indeterminate while there is nothing to measure yet). */
export function JobProgress({ job, label }: { job: Job | null; label: string }) {
  const fraction = job ? jobFraction(job) : null;
  const pct = fraction === null ? null : Math.round(fraction * 100);
  // No job yet: the account says it syncs (started elsewhere) before its job event arrived.
  const text = job ? progressText(job) : 'Syncing…';
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
