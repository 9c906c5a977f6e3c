// The track table's view of a playlist: sorted by any column, narrowed to rows with some flags
// (unavailable, local file, duplicate) and to rows matching a text. A view only: the playlist's
// order changes through an edit ("Apply this order" sends the shown order, previewed first).
//
// Cheap at 10,000 tracks: `indexTracks` runs once per list; the sort keys of a column and the
// searchable text are computed on first use and kept, sorted orders are kept per sort, so a key
// press in the filter costs one pass of `includes` over precomputed strings.
import type { PlaylistItem } from '../api/client';
import { fold } from './playlist-query';

export type TrackColumn =
  'position' | 'title' | 'artists' | 'album' | 'duration' | 'added_at' | 'added_by';
export type SortDir = 'asc' | 'desc';
export interface TrackSort {
  column: TrackColumn;
  dir: SortDir;
}
/** The playlist's own order: the only view in which rows can be dragged. */
export const PLAYLIST_ORDER: TrackSort = { column: 'position', dir: 'asc' };

export function isPlaylistOrder(sort: TrackSort): boolean {
  return sort.column === 'position' && sort.dir === 'asc';
}

/** A click on a column's header: that column ascending, or the other way when it is sorted. */
export function nextSort(sort: TrackSort, column: TrackColumn): TrackSort {
  if (sort.column !== column) return { column, dir: 'asc' };
  return { column, dir: sort.dir === 'asc' ? 'desc' : 'asc' };
}

export type TrackFlag = 'unavailable' | 'local' | 'duplicate';
export const TRACK_FLAGS: readonly TrackFlag[] = ['unavailable', 'local', 'duplicate'];

export interface TrackIndex {
  readonly items: readonly PlaylistItem[];
  /** Rows carrying each flag (a duplicate is every copy of a URI that occurs more than once). */
  readonly counts: Readonly<Record<TrackFlag, number>>;
  has(index: number, flag: TrackFlag): boolean;
  /** Item indices in the order of `sort`; ties keep the playlist's order. Kept per sort. */
  order(sort: TrackSort): readonly number[];
  /**
   * The folded text the filter searches (title, artists, album, added by), prepared for the whole
   * list on first use (the page asks for it when the filter gets focus, so the first key press
   * does not pay for it, nor the page's load).
   */
  text(index: number): string;
}

type SortValue = string | number;

function sortValues(
  items: readonly PlaylistItem[],
  column: Exclude<TrackColumn, 'position'>,
): SortValue[] {
  switch (column) {
    case 'duration':
      return items.map((i) => i.duration_ms);
    case 'added_at':
      // ISO 8601 in UTC from the server: text order is time order.
      return items.map((i) => i.added_at);
    case 'title':
      return items.map((i) => fold(i.name));
    case 'artists':
      return items.map((i) => fold(i.artists.join(', ')));
    case 'album':
      return items.map((i) => fold(i.album));
    case 'added_by':
      return items.map((i) => fold(i.added_by));
  }
}

/** Indices of `values` sorted (stable); empty text goes last in both directions. */
function sortedIndices(values: readonly SortValue[], dir: SortDir): number[] {
  const sign = dir === 'asc' ? 1 : -1;
  const order = values.map((_, i) => i);
  order.sort((a, b) => {
    const x = values[a]!;
    const y = values[b]!;
    if (x === '' || y === '') {
      if (x !== y) return x === '' ? 1 : -1;
    } else if (x !== y) {
      return (x < y ? -1 : 1) * sign;
    }
    return a - b;
  });
  return order;
}

export function indexTracks(items: readonly PlaylistItem[]): TrackIndex {
  const copies = new Map<string, number>();
  for (const item of items) copies.set(item.uri, (copies.get(item.uri) ?? 0) + 1);
  const duplicate = items.map((item) => copies.get(item.uri)! > 1);
  const counts = { unavailable: 0, local: 0, duplicate: 0 };
  items.forEach((item, i) => {
    if (item.unavailable) counts.unavailable++;
    if (item.is_local) counts.local++;
    if (duplicate[i]) counts.duplicate++;
  });
  const values = new Map<TrackColumn, SortValue[]>();
  const orders = new Map<string, number[]>();
  let texts: string[] | null = null;
  return {
    items,
    counts,
    has: (index, flag) => {
      const item = items[index]!;
      if (flag === 'unavailable') return item.unavailable;
      if (flag === 'local') return item.is_local;
      return duplicate[index]!;
    },
    order: (sort) => {
      const key = `${sort.column}:${sort.dir}`;
      let order = orders.get(key);
      if (!order) {
        const { column, dir } = sort;
        if (column === 'position') {
          // The list's own order (rows shown before Spotify confirmed an edit have no position).
          order = items.map((_, i) => (dir === 'asc' ? i : items.length - 1 - i));
        } else {
          let v = values.get(column);
          if (!v) values.set(column, (v = sortValues(items, column)));
          order = sortedIndices(v, dir);
        }
        orders.set(key, order);
      }
      return order;
    },
    text: (index) => {
      texts ??= items.map((i) =>
        fold(`${i.name}\n${i.artists.join(', ')}\n${i.album}\n${i.added_by}`),
      );
      return texts[index]!;
    },
  };
}

/** Item indices in `sort`'s order with any of `flags` (all rows when `flags` is empty). */
export function orderedRows(
  index: TrackIndex,
  sort: TrackSort,
  flags: ReadonlySet<TrackFlag>,
): readonly number[] {
  const order = index.order(sort);
  if (flags.size === 0) return order;
  const wanted = [...flags];
  return order.filter((i) => wanted.some((f) => index.has(i, f)));
}

/**
 * The rows of `rows` whose title, artists, album or adder contain every word of `text`
 * (accent-insensitive), as items. The index's own array when nothing narrows or reorders it.
 */
export function matchingRows(
  index: TrackIndex,
  rows: readonly number[],
  text: string,
): readonly PlaylistItem[] {
  const words = fold(text).split(/\s+/).filter(Boolean);
  const kept = words.length
    ? rows.filter((i) => {
        const hay = index.text(i);
        return words.every((w) => hay.includes(w));
      })
    : rows;
  const { items } = index;
  if (kept.length === items.length && kept.every((row, i) => row === i)) return items;
  return kept.map((i) => items[i]!);
}

export function totalDurationMs(items: readonly PlaylistItem[]): number {
  let sum = 0;
  for (const i of items) sum += i.duration_ms;
  return sum;
}
