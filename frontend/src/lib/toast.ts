// The global notice area (rendered by components/Toasts.tsx, announced through aria-live).
import { signal } from '@preact/signals';

export type ToastKind = 'info' | 'success' | 'error';
/** A button in the notice (Undo, Reload): running it dismisses the notice. */
export interface ToastAction {
  label: string;
  run: () => void;
}
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  action?: ToastAction;
}

export const toasts = signal<readonly Toast[]>([]);
let nextId = 1;

export function notify(
  text: string,
  kind: ToastKind = 'info',
  timeoutMs?: number,
  action?: ToastAction,
): number {
  const id = nextId++;
  toasts.value = [
    ...toasts.value.slice(-4),
    action ? { id, kind, text, action } : { id, kind, text },
  ];
  // A notice with a button stays longer: it takes time to reach it with the keyboard.
  const ms = timeoutMs ?? (kind === 'error' || action ? 10_000 : 5_000);
  if (ms > 0) setTimeout(() => dismiss(id), ms);
  return id;
}

export function dismiss(id: number): void {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}
