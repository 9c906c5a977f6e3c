import { dismiss, toasts, type Toast } from '../lib/toast';

/** One notice with its dismiss button. */
function ToastView({ toast, alert }: { toast: Toast; alert: boolean }) {
  return (
    <div class={`toast toast-${toast.kind}`} role={alert ? 'alert' : undefined}>
      <span>{toast.text}</span>
      {toast.action ? (
        <button
          type="button"
          class="btn btn-small"
          onClick={() => {
            dismiss(toast.id);
            toast.action!.run();
          }}
        >
          {toast.action.label}
        </button>
      ) : null}
      <button type="button" class="icon-btn" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

/** The global notice area. Polite announcements for info, assertive for errors. */
export function Toasts() {
  const list = toasts.value;
  return (
    <div class="toasts">
      <div aria-live="polite" aria-relevant="additions" class="toast-stack">
        {list
          .filter((t) => t.kind !== 'error')
          .map((t) => (
            <ToastView key={t.id} toast={t} alert={false} />
          ))}
      </div>
      <div aria-live="assertive" aria-relevant="additions" class="toast-stack">
        {list
          .filter((t) => t.kind === 'error')
          .map((t) => (
            <ToastView key={t.id} toast={t} alert={true} />
          ))}
      </div>
    </div>
  );
}
