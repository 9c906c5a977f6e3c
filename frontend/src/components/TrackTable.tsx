// The track table of a playlist, virtualized with @tanstack/virtual-core: a fixed row height, only
// the visible rows (plus a few) in the DOM, a sticky header, and a focusable scroll area so the
// keyboard scrolls it (arrows, Page Up/Down, Home/End).
import { useEffect, useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  type Rect,
} from '@tanstack/virtual-core';
import type { PlaylistItem } from '../api/client';
import { formatDate, formatDuration } from '../lib/format';

export const ROW_HEIGHT = 44;
export const HEADER_HEIGHT = 40;
/** The height assumed while the real one is unknown (first render, or no layout as in jsdom). */
const FALLBACK_RECT: Rect = { width: 800, height: 600 };

/**
 * The scroll area's size before anything is laid out, from the viewport alone (reading
 * window.innerHeight needs no layout): `.tt-scroll` is `min(70vh, 720px)` tall, at least 320px,
 * with a 1px border.
 */
function initialRect(): Rect {
  if (typeof window === 'undefined' || !(window.innerHeight > 0)) return FALLBACK_RECT;
  const height = Math.max(320, Math.min(0.7 * window.innerHeight, 720)) - 2;
  return { width: window.innerWidth, height: Math.round(height) };
}

/**
 * virtual-core's observeElementRect reads clientWidth/clientHeight as soon as it starts observing,
 * i.e. in the layout effect right after the first commit, which forces a synchronous layout of the
 * whole new page inside the render task (~60 ms on the 10,000-track page). This one waits for the
 * ResizeObserver's first callback instead: it comes after the browser's own layout, where reading
 * the size is free; until then `initialRect` stands in.
 */
function observeRect(
  instance: Virtualizer<HTMLDivElement, HTMLDivElement>,
  cb: (rect: Rect) => void,
): (() => void) | undefined {
  const element = instance.scrollElement;
  const win = instance.targetWindow;
  if (!element || !win) return undefined;
  const report = () => {
    const rect = { width: element.clientWidth, height: element.clientHeight };
    cb(rect.height > 0 ? rect : FALLBACK_RECT);
  };
  if (!win.ResizeObserver) {
    report();
    return undefined;
  }
  const observer = new win.ResizeObserver(report);
  observer.observe(element, { box: 'content-box' });
  return () => observer.disconnect();
}

interface Props {
  items: readonly PlaylistItem[];
  /** Accessible name of the table. */
  label: string;
  /**
   * What the rows are filtered by. When it changes the table goes back to the top; when only the
   * items change (a background refresh) the scroll position stays, clamped to the new length.
   */
  resetKey?: string;
}

const columns = ['#', 'Title', 'Artists', 'Album', 'Duration', 'Added', 'Added by'];

export function TrackTable({ items, label, resetKey = '' }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const virtualizerRef = useRef<Virtualizer<HTMLDivElement, HTMLDivElement> | undefined>(undefined);
  const initialRectRef = useRef<Rect | undefined>(undefined);
  initialRectRef.current ??= initialRect();
  const observedRef = useRef<HTMLDivElement | null>(null);

  // When virtual-core starts observing an element it writes the initial offset (0) back to it: a
  // scrollTo right after the first commit, which forces a synchronous layout of the new page. A new
  // element is already at the top, so that first write is skipped; every later one goes through.
  const scrollToFn = (
    offset: number,
    opts: { adjustments?: number; behavior?: ScrollBehavior },
    instance: Virtualizer<HTMLDivElement, HTMLDivElement>,
  ) => {
    if (instance.scrollElement !== observedRef.current) {
      observedRef.current = instance.scrollElement;
      if (offset === 0 && !opts.adjustments) return;
    }
    elementScroll(offset, opts, instance);
  };

  const options = {
    count: items.length,
    getScrollElement: () => scrollRef.current ?? null,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    initialRect: initialRectRef.current,
    scrollToFn,
    observeElementOffset,
    observeElementRect: observeRect,
    onChange: () => rerender(0),
  };
  if (!virtualizerRef.current) virtualizerRef.current = new Virtualizer(options);
  const virtualizer = virtualizerRef.current;
  virtualizer.setOptions(options);

  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => {
    virtualizer._willUpdate();
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

  return (
    <div
      ref={scrollRef}
      class="tt-scroll"
      tabIndex={0}
      role="table"
      aria-label={label}
      aria-rowcount={items.length + 1}
      data-testid="track-table"
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
          const state = item.unavailable ? ' tt-unavailable' : item.is_local ? ' tt-local' : '';
          return (
            <div
              role="row"
              key={row.key}
              aria-rowindex={row.index + 2}
              data-index={row.index}
              class={`tt-row${state}${row.index % 2 ? ' tt-odd' : ''}`}
              style={{
                height: `${ROW_HEIGHT}px`,
                transform: `translateY(${row.start - HEADER_HEIGHT}px)`,
              }}
            >
              <div role="cell" class="tt-cell tt-c0">
                {item.position + 1}
              </div>
              <div role="cell" class="tt-cell tt-c1" title={item.name}>
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
              </div>
              <div role="cell" class="tt-cell tt-c2" title={item.artists.join(', ')}>
                {item.artists.join(', ')}
              </div>
              <div role="cell" class="tt-cell tt-c3" title={item.album}>
                {item.album}
              </div>
              <div role="cell" class="tt-cell tt-c4 num">
                {formatDuration(item.duration_ms)}
              </div>
              <div role="cell" class="tt-cell tt-c5">
                {formatDate(item.added_at)}
              </div>
              <div role="cell" class="tt-cell tt-c6" title={item.added_by}>
                {item.added_by}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
