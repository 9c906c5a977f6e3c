// Row keyboard for the tables (the playlists list, the track table): one tab stop per table (a
// roving tabindex: the active row has tabIndex 0, every other row and every control inside a row
// -1), arrow keys between rows, Page Up/Down by a screenful, Home/End, Enter opens, Space selects.
//
// With virtualization the row to go to may not be in the DOM yet: the hook asks the table to scroll
// it in (virtualizer.scrollToIndex) and focuses it after the render that mounts it. Focusing a row
// the browser scrolls into view keeps it clear of the sticky headers through `scroll-padding` on
// the scroll areas (styles.css), so no focused row sits under the app header or a table header.
//
// Usage (see PlaylistTable.tsx):
//   const nav = useRowNavigation(scrollRef, { count, scrollToIndex, onOpen, onToggle });
//   <div ref={scrollRef} onKeyDown={nav.onKeyDown} onFocusIn={nav.onFocusIn}>
//     <div role="row" {...nav.rowProps(index)}> ... controls with tabIndex={-1} ... </div>
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** The attribute that marks a row and holds its index among all rows (rendered or not). */
export const ROW_INDEX_ATTRIBUTE = 'data-row-index';

export type RowKey = 'ArrowUp' | 'ArrowDown' | 'PageUp' | 'PageDown' | 'Home' | 'End';

/**
 * The row a navigation key leads to from `current` among `count` rows (a screenful is `pageSize`
 * rows), or null when the key is not a navigation key or there are no rows. Pure, so tested alone.
 */
export function nextRowIndex(
  key: string,
  current: number,
  count: number,
  pageSize: number,
): number | null {
  if (count <= 0) return null;
  const last = count - 1;
  const from = Math.min(Math.max(current, 0), last);
  const page = Math.max(1, pageSize);
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, from + 1);
    case 'ArrowUp':
      return Math.max(0, from - 1);
    case 'PageDown':
      return Math.min(last, from + page);
    case 'PageUp':
      return Math.max(0, from - page);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}

/** Keys typed into a text field stay there (arrows move the caret, Space types a space). */
function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}

/**
 * A virtualizer rangeExtractor that keeps row `index` rendered besides `base`'s rows, so the
 * table's one tab stop (the active row) stays in the DOM when the list scrolls away from it.
 */
export function keepRowRendered(base: number[], index: number, count: number): number[] {
  if (index < 0 || index >= count || base.includes(index)) return base;
  return [...base, index].sort((a, b) => a - b);
}

/** The index of the row `target` is in (the row itself or a control inside it), or null. */
export function rowIndexOf(target: EventTarget | null): number | null {
  if (!(target instanceof Element)) return null;
  const row = target.closest(`[${ROW_INDEX_ATTRIBUTE}]`);
  const value = row?.getAttribute(ROW_INDEX_ATTRIBUTE);
  if (value === null || value === undefined) return null;
  const index = Number(value);
  return Number.isInteger(index) ? index : null;
}

export interface RowNavigationOptions {
  /** How many rows the table has (all of them, not only the rendered ones). */
  count: number;
  /** Brings row `index` into the DOM and into view (a virtualizer's scrollToIndex). */
  scrollToIndex: (index: number) => void;
  /** Rows a Page Up/Down moves by (about a screenful); 10 when not given. */
  pageSize?: number;
  /** Enter on a row. */
  onOpen?: (index: number) => void;
  /** Space on a row (Shift held: extend from the anchor). */
  onToggle?: (index: number, shift: boolean) => void;
  /**
   * Changes when the rows are different rows (a new filter or sort): the tab stop goes back to
   * the first row. Without it the tab stop keeps its index, clamped to the new count.
   */
  resetKey?: unknown;
}

export interface RowNavigation {
  /** The row that holds the table's tab stop. */
  active: number;
  /** The attributes of row `index`: its index marker and its place in the tab order. */
  rowProps: (index: number) => { [ROW_INDEX_ATTRIBUTE]: number; tabIndex: 0 | -1 };
  /** On the element around the rows. */
  onKeyDown: (e: KeyboardEvent) => void;
  /** On the element around the rows: a click or Tab into a row makes it the active one. */
  onFocusIn: (e: FocusEvent) => void;
  /** Moves the tab stop to row `index`, scrolls it in and focuses it after the next render. */
  focusRow: (index: number) => void;
}

export function useRowNavigation(
  containerRef: RefObject<HTMLElement | null>,
  options: RowNavigationOptions,
): RowNavigation {
  const { count, pageSize = 10 } = options;
  // The active row with the resetKey it was chosen under: another key means row 0.
  const [state, setState] = useState<{ index: number; key: unknown }>({
    index: 0,
    key: options.resetKey,
  });
  const active = state.key === options.resetKey ? Math.min(state.index, Math.max(0, count - 1)) : 0;
  const setActive = (index: number) => setState({ index, key: latest.current.resetKey });
  // The row to focus once it is rendered (it may be outside the virtualizer's range right now).
  const pendingFocus = useRef<number | null>(null);
  const latest = useRef(options);
  latest.current = options;

  const focusRow = (index: number) => {
    setActive(index);
    pendingFocus.current = index;
    latest.current.scrollToIndex(index);
    tryFocus();
  };

  const tryFocus = () => {
    const index = pendingFocus.current;
    const container = containerRef.current;
    if (index === null || !container) return;
    const row = container.querySelector<HTMLElement>(`[${ROW_INDEX_ATTRIBUTE}="${index}"]`);
    if (!row) return;
    pendingFocus.current = null;
    // The virtualizer already put the row in view; the browser must not scroll again.
    row.focus({ preventScroll: true });
  };

  // After every render: the row asked for may have just been mounted.
  useEffect(tryFocus);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (isTextEntry(e.target)) return;
    const index = rowIndexOf(e.target);
    if (index === null) return;
    const onRow = e.target instanceof Element && e.target.hasAttribute(ROW_INDEX_ATTRIBUTE);
    if (e.key === 'Enter' && onRow && latest.current.onOpen) {
      e.preventDefault();
      latest.current.onOpen(index);
      return;
    }
    if (e.key === ' ' && onRow && latest.current.onToggle) {
      e.preventDefault();
      latest.current.onToggle(index, e.shiftKey);
      return;
    }
    if (e.shiftKey) return;
    const next = nextRowIndex(e.key, index, count, pageSize);
    if (next === null) return;
    e.preventDefault();
    focusRow(next);
  };

  const onFocusIn = (e: FocusEvent) => {
    const index = rowIndexOf(e.target);
    if (index !== null && index !== active) setActive(index);
  };

  return {
    active,
    rowProps: (index) => ({ [ROW_INDEX_ATTRIBUTE]: index, tabIndex: index === active ? 0 : -1 }),
    onKeyDown,
    onFocusIn,
    focusRow,
  };
}
