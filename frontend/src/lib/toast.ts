// The global notice area (rendered by components/Toasts.tsx, announced through aria-live).
import { signal } from '@preact/signals';

export type ToastKind = 'info' | 'success' | 'error';
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

export const toasts = signal<readonly Toast[]>([]);
let nextId = 1;

export function notify(text: string, kind: ToastKind = 'info', timeoutMs?: number): number {
  const id = nextId++;
  toasts.value = [...toasts.value.slice(-4), { id, kind, text }];
  const ms = timeoutMs ?? (kind === 'error' ? 10_000 : 5_000);
  if (ms > 0) setTimeout(() => dismiss(id), ms);
  return id;
}

export function dismiss(id: number): void {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}
