// Pieces the jobs list and a job's page share: its state as a badge, its Cancel button, and the
// names of the user's accounts (jobs carry only the account's id).
import { useState } from 'preact/hooks';
import { api, describeError, type Job, type JobItem } from '../api/client';
import {
  cancelNeedsConfirmation,
  isActive,
  jobs,
  mayCancel,
  statusText,
  upsertJob,
} from '../lib/jobs';
import { useResource } from '../lib/resource';
import { notify } from '../lib/toast';
import { ConfirmDialog } from './ConfirmDialog';
import { Badge } from './ui';

const BADGE_KINDS: Record<Job['state'], 'neutral' | 'accent' | 'warn' | 'danger' | 'ok'> = {
  queued: 'neutral',
  running: 'accent',
  interrupted: 'warn',
  succeeded: 'ok',
  failed: 'danger',
  cancelled: 'neutral',
};

/** The badge colour of each way an item of a job can end. */
export const OUTCOME_BADGES: Record<JobItem['outcome'], 'neutral' | 'warn' | 'danger' | 'ok'> = {
  done: 'ok',
  unchanged: 'neutral',
  skipped: 'neutral',
  conflict: 'warn',
  failed: 'danger',
  pending: 'neutral',
};

export function JobStateBadge({ job }: { job: Job }) {
  const cancelling = job.cancel_requested && isActive(job);
  return <Badge kind={cancelling ? 'warn' : BADGE_KINDS[job.state]}>{statusText(job)}</Badge>;
}

/** The user's account names by id, kept fresh by `accounts` events. */
export function useAccountNames(): ReadonlyMap<number, string> {
  const { data } = useResource(
    async ({ signal }) => {
      const { accounts } = await api.accounts({ signal });
      return new Map(accounts.map((a) => [a.id, a.display_name || a.spotify_user_id]));
    },
    { refreshOn: ['accounts'] },
  );
  return data ?? new Map();
}

export function accountName(names: ReadonlyMap<number, string>, job: Job): string | null {
  return job.account_id === null ? null : (names.get(job.account_id) ?? null);
}

interface CancelProps {
  job: Job;
  /** The job's name, for the button's accessible name and the dialog. */
  label: string;
  /** The job as the server answered after the cancel. */
  onCancelled: (job: Job) => void;
}

/**
 * Cancels a queued, interrupted or running job. A running one stops between two steps (what was
 * done stays done), so it asks first; while that cancel is under way it says so.
 */
export function CancelJobButton({ job, label, onCancelled }: CancelProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);

  if ((job.cancel_requested && isActive(job)) || busy) {
    return (
      <button type="button" class="btn btn-small" disabled aria-label={`Cancelling ${label}`}>
        Cancelling…
      </button>
    );
  }
  if (!mayCancel(job)) return null;

  const cancel = async () => {
    const updated = await api.cancelJob(job.id);
    if (jobs.value.has(updated.id)) upsertJob(updated);
    onCancelled(updated);
  };
  const cancelNow = async () => {
    setBusy(true);
    try {
      await cancel();
    } catch (e) {
      notify(describeError(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button
        type="button"
        class="btn btn-small btn-ghost-danger"
        aria-label={`Cancel ${label}`}
        onClick={() => (cancelNeedsConfirmation(job) ? setAsking(true) : void cancelNow())}
      >
        Cancel
      </button>
      {asking ? (
        <ConfirmDialog
          title="Cancel this running job?"
          confirmLabel="Cancel the job"
          dismissLabel="Keep it running"
          danger
          onClose={() => setAsking(false)}
          onConfirm={cancel}
        >
          <p>
            <strong>{label}</strong> is running. It stops between two steps: what it has done so far
            stays done, and you can start it again later.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
