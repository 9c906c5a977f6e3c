// The pure side of editing a playlist in the browser: where a dragged row lands (from the pointer
// and row indices, never from DOM rows: the table is virtualized), what a move does to the list
// (shown at once, before Spotify confirms it), and the ItemRefs an EditRequest names items by.
import type { components } from '../api/schema';
import type { PlaylistItem } from '../api/client';
import { formatCount } from './format';

type Schemas = components['schemas'];
export type EditRequest = Schemas['EditRequest'];
export type EditPreview = Schemas['EditPreview'];
export type ItemRef = Schemas['ItemRef'];
export type Placement = Schemas['Placement'];
export type Track = Schemas['Track'];

/** An item as the server listed it: `position` is its place in the list of `snapshot_id`. */
export function itemRef(item: PlaylistItem): ItemRef {
  return { uri: item.uri, position: item.position };
}

/**
 * The gap a pointer at `y` (pixels from the top of the rows, scroll included) falls in: 0 is
 * before the first row, `count` after the last. The upper half of a row is the gap above it.
 */
export function gapAt(y: number, rowHeight: number, count: number): number {
  if (!(y > 0)) return 0;
  return Math.min(count, Math.max(0, Math.round(y / rowHeight)));
}

/**
 * How fast to scroll while dragging near an edge, in pixels per frame: negative near the top,
 * positive near the bottom, 0 elsewhere; faster the closer to the edge.
 */
export function autoScrollSpeed(
  pointerY: number,
  top: number,
  bottom: number,
  zone = 48,
  max = 24,
): number {
  if (pointerY < top + zone) return -Math.ceil(max * Math.min(1, (top + zone - pointerY) / zone));
  if (pointerY > bottom - zone)
    return Math.ceil(max * Math.min(1, (pointerY - (bottom - zone)) / zone));
  return 0;
}

/**
 * The list after the rows at `moving` (indices, any order) go, in their list order, to the gap
 * `gap` (0..length, counted in the list before the move). Returns the same array when nothing
 * changes place.
 */
export function moveRows<T>(list: readonly T[], moving: readonly number[], gap: number): T[] {
  const chosen = new Set(moving.filter((i) => i >= 0 && i < list.length));
  if (chosen.size === 0) return list as T[];
  const moved: T[] = [];
  const rest: T[] = [];
  let insertAt = 0;
  list.forEach((item, i) => {
    if (chosen.has(i)) moved.push(item);
    else {
      if (i < gap) insertAt++;
      rest.push(item);
    }
  });
  const next = [...rest.slice(0, insertAt), ...moved, ...rest.slice(insertAt)];
  return next.every((item, i) => item === list[i]) ? (list as T[]) : next;
}

/**
 * Where the server should put the moved items, named by the item they go before (or the end),
 * in the list the user saw: the first row at or after the gap that is not itself moving.
 */
export function placementForGap(
  list: readonly PlaylistItem[],
  moving: readonly number[],
  gap: number,
): Placement {
  const chosen = new Set(moving);
  for (let i = Math.max(0, gap); i < list.length; i++) {
    if (!chosen.has(i))
      return i === 0 ? { kind: 'top' } : { kind: 'before', before: itemRef(list[i]!) };
  }
  return { kind: 'bottom' };
}

/**
 * The gap that moves the selection one row up (delta -1) or down (+1): a block goes past its
 * neighbour; scattered rows gather just above (or below) their first (or last) one. Null at the
 * ends, where there is nowhere to go.
 */
export function gapForStep(
  length: number,
  moving: readonly number[],
  delta: -1 | 1,
): number | null {
  if (moving.length === 0) return null;
  const lo = Math.min(...moving);
  const hi = Math.max(...moving);
  if (delta < 0) return lo === 0 && hi - lo + 1 === moving.length ? null : Math.max(0, lo - 1);
  return hi === length - 1 && hi - lo + 1 === moving.length ? null : Math.min(length, hi + 2);
}

/** A 1-based position typed by the user → the gap that puts the selection's first row there. */
export function gapForPosition(
  length: number,
  moving: readonly number[],
  position: number,
): number {
  const chosen = new Set(moving);
  const target = Math.min(Math.max(1, Math.floor(position)), length - chosen.size + 1) - 1;
  // Count `target` rows that are not moving; the gap is right after them.
  let kept = 0;
  for (let i = 0; i < length; i++) {
    if (kept === target) return i;
    if (!chosen.has(i)) kept++;
  }
  return length;
}

/** A move request for the rows at `moving` dropped at `gap` of `list` (the list of `snapshot`). */
export function moveRequest(
  list: readonly PlaylistItem[],
  snapshot: string,
  moving: readonly number[],
  gap: number,
): EditRequest {
  const sorted = [...moving].sort((a, b) => a - b);
  return {
    kind: 'move',
    planned_snapshot: snapshot,
    items: sorted.map((i) => itemRef(list[i]!)),
    placement: placementForGap(list, sorted, gap),
  };
}

/** "Moved 3 tracks to position 12." for the live region, from the list after the move. */
export function describeMove(count: number, firstIndexAfter: number): string {
  const what = count === 1 ? '1 track' : `${count} tracks`;
  return `Moved ${what} to position ${formatCount(firstIndexAfter + 1)}.`;
}

/** A search result as a playlist row, for showing an added track before the sync confirms it. */
export function trackAsItem(track: Track, position: number, addedBy: string): PlaylistItem {
  return {
    position,
    uri: track.uri,
    name: track.name,
    artists: track.artists,
    album: track.album,
    duration_ms: track.duration_ms,
    added_at: new Date().toISOString(),
    added_by: addedBy,
    is_local: false,
    unavailable: false,
  };
}

/**
 * The rows in the order of a preview's `desired` URIs: each URI takes the next unused copy of it,
 * so duplicates keep their own rows. URIs not in the list (added ones) are left out.
 */
export function orderByUris(
  list: readonly PlaylistItem[],
  desired: readonly string[],
): PlaylistItem[] {
  const copies = new Map<string, PlaylistItem[]>();
  for (const item of list) {
    const queue = copies.get(item.uri);
    if (queue) queue.push(item);
    else copies.set(item.uri, [item]);
  }
  const out: PlaylistItem[] = [];
  for (const uri of desired) {
    const next = copies.get(uri)?.shift();
    if (next) out.push(next);
  }
  return out;
}

/** The rows whose place changed between two orders of the same items (to style them pending). */
export function changedRows(
  before: readonly PlaylistItem[],
  after: readonly PlaylistItem[],
): Set<PlaylistItem> {
  const out = new Set<PlaylistItem>();
  after.forEach((item, i) => {
    if (before[i] !== item) out.add(item);
  });
  return out;
}
