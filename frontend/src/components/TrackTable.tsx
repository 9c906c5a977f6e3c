// The track table of a playlist, virtualized with @tanstack/virtual-core: a fixed row height, only
// the visible rows (plus a few) in the DOM, a sticky header, and a focusable scroll area so the
// keyboard scrolls it (arrows, Page Up/Down, Home/End).
//
// With `edit` (editors and admins only) it is also where a playlist is reordered: rows are
// selected with the mouse (click, shift-click, ctrl/cmd-click) or the keyboard (arrows, Shift,
// Space, ctrl+A), dragged (one row or the selection) with a drop line and auto-scroll near the
// edges, moved by one with Alt+Arrow, and removed with Delete. Drop positions come from the
// pointer and the row height, never from DOM rows, which come and go as the table scrolls.
import { useEffect, useRef, useState } from 'preact/hooks';
import { defaultRangeExtractor, type Range } from '@tanstack/virtual-core';
import type { PlaylistItem } from '../api/client';
import { autoScrollSpeed, gapAt, gapForStep, type Track } from '../lib/edit';
import { formatDate, formatDuration } from '../lib/format';
import { pointRow, selectedIndices, type SelectionState } from '../lib/selection';
import { Link } from './Link';
import { useVirtualRows } from './virtual-rows';

/** The drag payload of a search result dropped into the table (JSON of a Track). */
export const TRACK_DRAG_TYPE = 'application/x-plm-track';
const ROWS_DRAG_TYPE = 'application/x-plm-rows';

export const ROW_HEIGHT = 44;
export const HEADER_HEIGHT = 40;
interface Props {
  items: readonly PlaylistItem[];
  /** Accessible name of the table. */
  label: string;
  /**
   * What the rows are filtered by. When it changes the table goes back to the top; when only the
   * items change (a background refresh) the scroll position stays, clamped to the new length.
   */
  resetKey?: string;
  /** Editing; absent for viewers, and while a filter hides rows (positions would be ambiguous). */
  edit?: TableEditing;
  /** The route of a row's "Where else is this track?" (none for local files). */
  whereLink?: (item: PlaylistItem) => string | null;
}

export interface TableEditing {
  keyOf: (item: PlaylistItem) => string;
  selection: SelectionState;
  onSelection: (next: SelectionState) => void;
  /** Rows shown before Spotify confirmed them (styled as pending). */
  pending: ReadonlySet<PlaylistItem>;
  /** An edit is under way: nothing moves until it ends. */
  busy: boolean;
  /** Move the rows at `indices` to the gap `gap` (0 = top, items.length = bottom). */
  onMove: (indices: number[], gap: number) => void;
  /** A search result dropped at `gap`. */
  onDropTrack?: (track: Track, gap: number) => void;
  /** Delete pressed with a selection. */
  onRemove?: () => void;
}

const columns = ['#', 'Title', 'Artists', 'Album', 'Duration', 'Added', 'Added by'];

export function TrackTable({ items, label, resetKey = '', edit, whereLink }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);

  // Editing state: the row the keyboard is on, the rows being dragged (kept rendered while the
  // table scrolls under the pointer, or the drag would lose its source) and the drop gap.
  const [cursor, setCursor] = useState(0);
  const [dropGap, setDropGap] = useState<number | null>(null);
  const dragging = useRef<number[] | null>(null);
  const keys = edit ? items.map(edit.keyOf) : [];
  const rangeExtractor = (range: Range) => {
    const base = defaultRangeExtractor(range);
    const kept = dragging.current;
    if (!kept || kept.length === 0) return base;
    const extra = kept.filter((i) => i < range.count && !base.includes(i));
    return extra.length ? [...base, ...extra].sort((a, b) => a - b) : base;
  };

  const virtualizer = useVirtualRows(scrollRef, {
    count: items.length,
    rowHeight: ROW_HEIGHT,
    headerHeight: HEADER_HEIGHT,
    rangeExtractor,
  });

  // A new filter starts at the top (not on mount: it is at the top, and writing scrollTop would
  // force a layout). Refreshed items keep the position, clamped when the list got shorter.
  const shownKey = useRef(resetKey);
  const shownItems = useRef(items);
  useEffect(() => {
    const el = scrollRef.current;
    const keyChanged = shownKey.current !== resetKey;
    const itemsChanged = shownItems.current !== items;
    shownKey.current = resetKey;
    shownItems.current = items;
    if (!el) return;
    if (keyChanged) {
      el.scrollTop = 0;
    } else if (itemsChanged) {
      const max = Math.max(0, virtualizer.getTotalSize() - el.clientHeight);
      if (el.scrollTop > max) el.scrollTop = max;
    }
  }, [items, resetKey]);

  const rows = virtualizer.getVirtualItems();
  const bodyHeight = Math.max(0, virtualizer.getTotalSize() - HEADER_HEIGHT);
  const shownCursor = Math.min(cursor, Math.max(0, items.length - 1));

  /** The gap under the pointer (scroll included), from the row height alone. */
  const gapFromPointer = (e: DragEvent): number => {
    const el = scrollRef.current!;
    const box = el.getBoundingClientRect();
    const y = e.clientY - box.top - el.clientTop + el.scrollTop - HEADER_HEIGHT;
    return gapAt(y, ROW_HEIGHT, items.length);
  };

  // Auto-scroll while a drag hovers near the top or bottom edge: one step a frame, whether or not
  // the pointer moves (dragover alone comes too seldom when it rests), until the drag leaves.
  const dragPointerY = useRef<number | null>(null);
  const scrolling = useRef(false);
  const autoScroll = () => {
    const el = scrollRef.current;
    const y = dragPointerY.current;
    if (!el || y === null) {
      scrolling.current = false;
      return;
    }
    const box = el.getBoundingClientRect();
    const speed = autoScrollSpeed(y, box.top + HEADER_HEIGHT, box.bottom);
    if (speed !== 0) el.scrollTop += speed;
    requestAnimationFrame(autoScroll);
  };
  const followPointer = (y: number | null) => {
    dragPointerY.current = y;
    if (y !== null && !scrolling.current && typeof requestAnimationFrame === 'function') {
      scrolling.current = true;
      requestAnimationFrame(autoScroll);
    }
  };
  useEffect(() => () => void (dragPointerY.current = null), []);

  const editing = edit
    ? {
        onDragOver: (e: DragEvent) => {
          const types = e.dataTransfer?.types ?? [];
          if (edit.busy || !(types.includes(ROWS_DRAG_TYPE) || types.includes(TRACK_DRAG_TYPE)))
            return;
          e.preventDefault();
          if (e.dataTransfer)
            e.dataTransfer.dropEffect = types.includes(ROWS_DRAG_TYPE) ? 'move' : 'copy';
          followPointer(e.clientY);
          const gap = gapFromPointer(e);
          if (gap !== dropGap) setDropGap(gap);
        },
        onDragLeave: (e: DragEvent) => {
          if (scrollRef.current?.contains(e.relatedTarget as Node | null)) return;
          followPointer(null);
          setDropGap(null);
        },
        onDrop: (e: DragEvent) => {
          e.preventDefault();
          const gap = gapFromPointer(e);
          followPointer(null);
          setDropGap(null);
          const moving = dragging.current;
          dragging.current = null;
          if (moving) {
            edit.onMove(moving, gap);
            return;
          }
          const track = e.dataTransfer?.getData(TRACK_DRAG_TYPE);
          if (track && edit.onDropTrack) edit.onDropTrack(JSON.parse(track) as Track, gap);
        },
        onKeyDown: (e: KeyboardEvent) => {
          if (items.length === 0) return;
          const toggle = e.ctrlKey || e.metaKey;
          const select = (next: SelectionState) => edit.onSelection(next);
          const goTo = (index: number) => {
            setCursor(index);
            virtualizer.scrollToIndex(index);
          };
          if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && e.altKey) {
            e.preventDefault();
            const moving = selectedIndices(edit.selection.selected, keys);
            const gap = edit.busy
              ? null
              : gapForStep(items.length, moving, e.key === 'ArrowUp' ? -1 : 1);
            if (gap !== null) edit.onMove(moving, gap);
            return;
          }
          if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
            e.preventDefault();
            const next = Math.min(
              items.length - 1,
              Math.max(0, shownCursor + (e.key === 'ArrowUp' ? -1 : 1)),
            );
            goTo(next);
            if (!toggle)
              select(
                pointRow(edit.selection, keys, keys[next]!, { shift: e.shiftKey, toggle: false }),
              );
            return;
          }
          if (e.key === ' ') {
            e.preventDefault();
            select(
              pointRow(edit.selection, keys, keys[shownCursor]!, {
                shift: e.shiftKey,
                toggle: true,
              }),
            );
            return;
          }
          if (e.key.toLowerCase() === 'a' && toggle) {
            e.preventDefault();
            select({ selected: new Set(keys), anchor: edit.selection.anchor });
            return;
          }
          if (e.key === 'Escape' && edit.selection.selected.size > 0) {
            e.preventDefault();
            select({ selected: new Set(), anchor: null });
            return;
          }
          if ((e.key === 'Delete' || e.key === 'Backspace') && edit.selection.selected.size > 0) {
            e.preventDefault();
            edit.onRemove?.();
          }
        },
      }
    : {};

  const rowEditing = (index: number) => {
    if (!edit) return {};
    const key = keys[index]!;
    return {
      id: `tt-row-${index}`,
      'aria-selected': edit.selection.selected.has(key),
      draggable: !edit.busy,
      onClick: (e: MouseEvent) => {
        setCursor(index);
        edit.onSelection(
          pointRow(edit.selection, keys, key, {
            shift: e.shiftKey,
            toggle: e.ctrlKey || e.metaKey,
          }),
        );
      },
      onDragStart: (e: DragEvent) => {
        // Dragging a row outside the selection drags that row alone (and selects it).
        let moving = selectedIndices(edit.selection.selected, keys);
        if (!edit.selection.selected.has(key)) {
          moving = [index];
          edit.onSelection({ selected: new Set([key]), anchor: key });
        }
        dragging.current = moving;
        e.dataTransfer?.setData(ROWS_DRAG_TYPE, String(moving.length));
        if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
      },
      onDragEnd: () => {
        dragging.current = null;
        followPointer(null);
        setDropGap(null);
      },
    };
  };

  return (
    <div
      ref={scrollRef}
      class={`tt-scroll${edit ? ' tt-editable' : ''}${edit?.busy ? ' tt-busy' : ''}`}
      tabIndex={0}
      role={edit ? 'grid' : 'table'}
      aria-label={label}
      aria-rowcount={items.length + 1}
      aria-multiselectable={edit ? true : undefined}
      aria-activedescendant={edit && items.length ? `tt-row-${shownCursor}` : undefined}
      aria-busy={edit?.busy || undefined}
      data-testid="track-table"
      {...editing}
    >
      <div role="rowgroup" class="tt-head">
        <div
          role="row"
          aria-rowindex={1}
          class="tt-row tt-header-row"
          style={{ height: `${HEADER_HEIGHT}px` }}
        >
          {columns.map((c, i) => (
            <div role="columnheader" key={c} class={`tt-cell tt-c${i}`}>
              {c}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" class="tt-body" style={{ height: `${bodyHeight}px` }}>
        {rows.map((row) => {
          const item = items[row.index]!;
          let state = item.unavailable ? ' tt-unavailable' : item.is_local ? ' tt-local' : '';
          if (edit) {
            if (edit.selection.selected.has(keys[row.index]!)) state += ' tt-selected';
            if (edit.pending.has(item)) state += ' tt-pending';
            if (row.index === shownCursor) state += ' tt-cursor';
          }
          return (
            <div
              role="row"
              key={row.key}
              aria-rowindex={row.index + 2}
              data-index={row.index}
              data-uri={item.uri}
              class={`tt-row${state}${row.index % 2 ? ' tt-odd' : ''}`}
              style={{
                height: `${ROW_HEIGHT}px`,
                transform: `translateY(${row.start - HEADER_HEIGHT}px)`,
              }}
              {...rowEditing(row.index)}
            >
              <div role={edit ? 'gridcell' : 'cell'} class="tt-cell tt-c0">
                {edit ? row.index + 1 : item.position + 1}
              </div>
              <div role={edit ? 'gridcell' : 'cell'} class="tt-cell tt-c1" title={item.name}>
                <span class="tt-title">{item.name || 'Untitled'}</span>
                {item.is_local ? (
                  <span
                    class="badge badge-neutral tt-flag"
                    title="A local file: Spotify cannot play or match it"
                  >
                    Local file
                  </span>
                ) : null}
                {item.unavailable ? (
                  <span class="badge badge-warn tt-flag" title="Not playable on Spotify any more">
                    Unavailable
                  </span>
                ) : null}
                <WhereLink item={item} whereLink={whereLink} />
              </div>
              <div
                role={edit ? 'gridcell' : 'cell'}
                class="tt-cell tt-c2"
                title={item.artists.join(', ')}
              >
                {item.artists.join(', ')}
              </div>
              <div role={edit ? 'gridcell' : 'cell'} class="tt-cell tt-c3" title={item.album}>
                {item.album}
              </div>
              <div role={edit ? 'gridcell' : 'cell'} class="tt-cell tt-c4 num">
                {formatDuration(item.duration_ms)}
              </div>
              <div role={edit ? 'gridcell' : 'cell'} class="tt-cell tt-c5">
                {formatDate(item.added_at)}
              </div>
              <div role={edit ? 'gridcell' : 'cell'} class="tt-cell tt-c6" title={item.added_by}>
                {item.added_by}
              </div>
            </div>
          );
        })}
        {dropGap !== null ? (
          <div
            class="tt-drop-line"
            aria-hidden="true"
            data-testid="drop-line"
            style={{ transform: `translateY(${dropGap * ROW_HEIGHT - 1}px)` }}
          />
        ) : null}
      </div>
    </div>
  );
}

/** A row's "Where else is this track?", shown on hover and focus. */
function WhereLink({
  item,
  whereLink,
}: {
  item: PlaylistItem;
  whereLink?: (item: PlaylistItem) => string | null;
}) {
  const to = whereLink?.(item);
  if (!to) return null;
  return (
    <Link to={to} class="tt-where" aria-label={`Where else? ${item.name || 'this track'}`}>
      Where else?
    </Link>
  );
}
