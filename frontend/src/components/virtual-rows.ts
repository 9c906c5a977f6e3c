// A list of fixed-height rows of which only the visible ones (plus a few) are in the DOM, with
// @tanstack/virtual-core: the track table and the results of a paste. Tuned so that mounting a long
// list forces no synchronous layout (see observeRect and scrollToFn below).
import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  type Range,
  type Rect,
} from '@tanstack/virtual-core';

/** The height assumed while the real one is unknown (first render, or no layout as in jsdom). */
const FALLBACK_RECT: Rect = { width: 800, height: 600 };

/**
 * The scroll area's size before anything is laid out, from the viewport alone (reading
 * window.innerHeight needs no layout): the scroll areas are `min(70vh, 720px)` tall, at least
 * 320px, with a 1px border.
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

export interface VirtualRowsOptions {
  count: number;
  rowHeight: number;
  /** Pixels above the first row inside the scroll area (a sticky header). */
  headerHeight: number;
  overscan?: number;
  /** Which rows to render besides the visible ones (rows being dragged stay rendered). */
  rangeExtractor?: (range: Range) => number[];
}

/** The virtualizer of the scroll area `scrollRef`; the component re-renders when it scrolls. */
export function useVirtualRows(
  scrollRef: RefObject<HTMLDivElement | null>,
  { count, rowHeight, headerHeight, overscan = 8, rangeExtractor }: VirtualRowsOptions,
): Virtualizer<HTMLDivElement, HTMLDivElement> {
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
    count,
    ...(rangeExtractor ? { rangeExtractor } : {}),
    getScrollElement: () => scrollRef.current ?? null,
    estimateSize: () => rowHeight,
    overscan,
    paddingStart: headerHeight,
    scrollPaddingStart: headerHeight,
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
  return virtualizer;
}

/**
 * Scrolls `scrollRef` back to the top when `resetKey` changes (another filter or sort), not on
 * mount: a new scroll area is at the top already, and writing scrollTop would force a layout.
 */
export function useScrollToTopOn(
  scrollRef: RefObject<HTMLElement | null>,
  resetKey: unknown,
): void {
  const shownKey = useRef(resetKey);
  useEffect(() => {
    if (shownKey.current === resetKey) return;
    shownKey.current = resetKey;
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [resetKey]);
}
