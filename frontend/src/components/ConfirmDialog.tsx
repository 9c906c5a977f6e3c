import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { describeError } from '../api/client';
import { Dialog } from './Dialog';

interface Props {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** The button that closes without acting ("Cancel"; say something else when the action is a cancel). */
  dismissLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Asks before a destructive action; shows the server's message when it fails. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  dismissLabel = 'Cancel',
  danger,
  onConfirm,
  onClose,
}: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      actions={
        <>
          <button type="button" class="btn" onClick={onClose} data-autofocus>
            {dismissLabel}
          </button>
          <button
            type="button"
            class={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}
            onClick={confirm}
            disabled={busy}
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
