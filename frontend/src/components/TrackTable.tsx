// The track table of a playlist, virtualized with @tanstack/virtual-core: a fixed row height, only
// the visible rows (plus a few) in the DOM, a sticky header with a sort button and a resizer per
// column. Without `edit` the rows are one tab stop (row-navigation.ts: arrows, Page Up/Down,
// Home/End between rows; Enter opens "Where else?"; the links of the active row only are in the
// tab order).
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
import {
  MAX_COLUMN_WIDTH,
  MIN_COLUMN_WIDTH,
  TRACK_COLUMNS,
  clampWidth,
  gridTemplate,
  storeWidths,
  storedWidths,
  tableMinWidth,
  widthForKey,
  type ColumnDef,
  type ColumnWidths,
} from '../lib/track-columns';
import type { TrackColumn, TrackSort } from '../lib/track-filter';
import { Link } from './Link';
import { keepRowRendered, useRowNavigation } from './row-navigation';
import { SpotifyLink } from './SpotifyLink';
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
  /** The order shown (a view: the caller sorts `items`); with `onSort` the headers sort. */
  sort?: TrackSort;
  onSort?: (column: TrackColumn) => void;
  /** Whose column widths these are (kept per app user in localStorage). */
  widthsOwner?: number | string;
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

export function TrackTable({
  items,
  label,
  resetKey = '',
  edit,
  whereLink,
  sort,
  onSort,
  widthsOwner = 'anonymous',
}: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [widths, setWidths] = useState<ColumnWidths>(() => storedWidths(widthsOwner));

  // Editing state: the row the keyboard is on, the rows being dragged (kept rendered while the
  // table scrolls under the pointer, or the drag would lose its source) and the drop gap.
  const [cursor, setCursor] = useState(0);
  const [dropGap, setDropGap] = useState<number | null>(null);
  const dragging = useRef<number[] | null>(null);
  const keys = edit ? items.map(edit.keyOf) : [];
  const activeRow = useRef(0);
  const rangeExtractor = (range: Range) => {
    // The row holding the tab stop stays rendered, or Tab would skip the table once it scrolled.
    const base = edit
      ? defaultRangeExtractor(range)
      : keepRowRendered(defaultRangeExtractor(range), activeRow.current, range.count);
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

  const nav = useRowNavigation(scrollRef, {
    count: items.length,
    resetKey,
    pageSize: Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / ROW_HEIGHT) - 2),
    scrollToIndex: (index) => virtualizer.scrollToIndex(index),
    onOpen: (index) =>
      scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${index}"] a`)?.click(),
  });
  activeRow.current = nav.active;
  const navigation = edit ? {} : { onKeyDown: nav.onKeyDown, onFocusIn: nav.onFocusIn };

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
  /** Without `edit`, only the active row's links are in the tab order (after the row itself). */
  const linkTab = (index: number) => (edit || index === nav.active ? undefined : -1);
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
          // The header's buttons and resizers handle their own keys.
          if (items.length === 0 || (e.target as Element).closest?.('.tt-head')) return;
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
      tabIndex={edit ? 0 : undefined}
      role={edit ? 'grid' : 'table'}
      aria-label={label}
      aria-rowcount={items.length + 1}
      aria-multiselectable={edit ? true : undefined}
      aria-activedescendant={edit && items.length ? `tt-row-${shownCursor}` : undefined}
      aria-busy={edit?.busy || undefined}
      data-testid="track-table"
      style={{
        '--tt-columns': gridTemplate(widths),
        '--tt-min-width': `${tableMinWidth(widths)}px`,
      }}
      {...editing}
      {...navigation}
    >
      <TrackTableHeader
        sort={sort}
        onSort={onSort}
        widths={widths}
        onResize={(next, done) => {
          setWidths(next);
          if (done) storeWidths(widthsOwner, next);
        }}
      />
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
              {...(edit ? rowEditing(row.index) : nav.rowProps(row.index))}
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
                <span class="tt-links">
                  <WhereLink item={item} whereLink={whereLink} tabIndex={linkTab(row.index)} />
                  {item.is_local ? null : (
                    <SpotifyLink
                      uri={item.uri}
                      title={item.name}
                      class="tt-spotify"
                      tabIndex={linkTab(row.index)}
                    />
                  )}
                </span>
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

/**
 * The header row: a sort button per column (aria-sort on its columnheader) and a resizer on each
 * column's right edge, dragged with the pointer or focused and moved with the arrow keys (Shift:
 * bigger steps, Home/End: narrowest/widest); a double click or Delete gives the column its
 * flexible default back.
 */
function TrackTableHeader({
  sort,
  onSort,
  widths,
  onResize,
}: {
  sort?: TrackSort;
  onSort?: (column: TrackColumn) => void;
  widths: ColumnWidths;
  /** `done`: the drag or key press ended, so the widths are worth keeping. */
  onResize: (widths: ColumnWidths, done: boolean) => void;
}) {
  const cells = useRef(new Map<TrackColumn, HTMLDivElement>());
  // The rendered widths of flexible columns, for the resizers' aria-valuenow: measured when the
  // header's size changes (after layout, never forcing one).
  const [measured, setMeasured] = useState<ColumnWidths>({});
  const rowRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const row = rowRef.current;
    if (!row || typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(() => {
      const next: ColumnWidths = {};
      cells.current.forEach((el, id) => (next[id] = Math.round(el.offsetWidth)));
      setMeasured((old) => (TRACK_COLUMNS.every((c) => old[c.id] === next[c.id]) ? old : next));
    });
    observer.observe(row);
    return () => observer.disconnect();
  }, []);

  const widthOf = (c: ColumnDef) =>
    widths[c.id] || measured[c.id] || cells.current.get(c.id)?.offsetWidth || c.min;
  const resize = (c: ColumnDef, px: number | null, done: boolean) => {
    const next = { ...widths };
    if (px === null) delete next[c.id];
    else next[c.id] = clampWidth(px);
    onResize(next, done);
  };

  const startDrag = (c: ColumnDef) => (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const handle = e.currentTarget as HTMLElement;
    const startX = e.clientX;
    const startWidth = widthOf(c);
    handle.setPointerCapture?.(e.pointerId);
    let last = startWidth;
    const move = (ev: PointerEvent) => {
      last = clampWidth(startWidth + ev.clientX - startX);
      resize(c, last, false);
    };
    const end = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
      resize(c, last, true);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  };

  return (
    <div role="rowgroup" class="tt-head">
      <div
        ref={rowRef}
        role="row"
        aria-rowindex={1}
        class="tt-row tt-header-row"
        style={{ height: `${HEADER_HEIGHT}px` }}
      >
        {TRACK_COLUMNS.map((c, i) => {
          const active = sort?.column === c.id;
          const width = widthOf(c);
          return (
            <div
              role="columnheader"
              key={c.id}
              ref={(el) => void (el ? cells.current.set(c.id, el) : cells.current.delete(c.id))}
              class={`tt-cell tt-c${i} tt-th`}
              aria-sort={
                sort
                  ? active
                    ? sort.dir === 'asc'
                      ? 'ascending'
                      : 'descending'
                    : 'none'
                  : undefined
              }
            >
              {onSort ? (
                <button type="button" class="sort-btn" onClick={() => onSort(c.id)}>
                  {c.label}
                  {c.id === 'position' ? <span class="visually-hidden"> position</span> : null}
                  <span class={`sort-arrow${active ? ' active' : ''}`} aria-hidden="true">
                    {active ? (sort!.dir === 'asc' ? '▲' : '▼') : '↕'}
                  </span>
                </button>
              ) : (
                c.label
              )}
              <div
                role="separator"
                aria-orientation="vertical"
                aria-label={`Resize the ${c.name} column`}
                aria-valuenow={width}
                aria-valuemin={MIN_COLUMN_WIDTH}
                aria-valuemax={MAX_COLUMN_WIDTH}
                tabIndex={0}
                class="tt-resizer"
                onPointerDown={startDrag(c)}
                onDblClick={() => resize(c, null, true)}
                onKeyDown={(e) => {
                  const reset = e.key === 'Delete';
                  const next = reset ? null : widthForKey(width, e.key, e.shiftKey);
                  if (!reset && next === null) return;
                  e.preventDefault();
                  resize(c, next, true);
                }}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** A row's "Where else is this track?", shown on hover and focus. */
function WhereLink({
  item,
  whereLink,
  tabIndex,
}: {
  item: PlaylistItem;
  whereLink?: (item: PlaylistItem) => string | null;
  tabIndex?: number;
}) {
  const to = whereLink?.(item);
  if (!to) return null;
  return (
    <Link
      to={to}
      class="tt-where"
      tabIndex={tabIndex}
      aria-label={`Where else? ${item.name || 'this track'}`}
    >
      Where else?
    </Link>
  );
}
