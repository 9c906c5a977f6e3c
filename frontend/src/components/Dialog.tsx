import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** Rendered in the footer; usually a Cancel and a confirm button. */
  actions: ComponentChildren;
  /** Wider, with a body that scrolls (tables of many rows: a batch over hundreds of playlists). */
  wide?: boolean;
}

let dialogCount = 0;

/** A modal dialog: focus moves in, Tab stays in, Escape closes, focus returns to the opener. */
export function Dialog({ title, onClose, children, actions, wide }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const idRef = useRef(`dialog-${++dialogCount}`);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(el)[0];
    first?.focus();
    return () => opener?.focus?.();
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables(ref.current);
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div class="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        class={wide ? 'dialog dialog-wide' : 'dialog'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${idRef.current}-title`}
        onKeyDown={onKeyDown}
      >
        <h2 id={`${idRef.current}-title`} class="dialog-title">
          {title}
        </h2>
        <div class="dialog-body">{children}</div>
        <div class="dialog-actions">{actions}</div>
      </div>
    </div>
  );
}

function focusables(root: HTMLElement | undefined | null): HTMLElement[] {
  if (!root) return [];
  return [
    ...root.querySelectorAll<HTMLElement>(
      'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
    ),
  ];
}

/** The usual footer: Cancel, then the action (submitting the form `form`, or `onClick`). */
export function DialogButtons({
  onClose,
  label,
  disabled,
  form,
  onClick,
  danger,
  autofocus,
}: {
  onClose: () => void;
  label: string;
  disabled?: boolean;
  form?: string;
  onClick?: () => void;
  danger?: boolean;
  autofocus?: boolean;
}) {
  return (
    <>
      <button type="button" class="btn" onClick={onClose}>
        Cancel
      </button>
      <button
        type={form ? 'submit' : 'button'}
        form={form}
        class={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}
        disabled={disabled}
        onClick={onClick}
        data-autofocus={autofocus || undefined}
      >
        {label}
      </button>
    </>
  );
}
