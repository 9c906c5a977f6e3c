// The playlists page's search, sort and filters: encoded in the URL query (so reload and back keep
// them) and applied in the browser (the API returns all playlists in one response).
import type { Playlist } from '../api/client';
import { toUri } from './batch';

export type SortKey = 'name' | 'tracks' | 'owner' | 'synced';
export type SortDir = 'asc' | 'desc';
export type OwnerFilter = 'all' | 'mine' | 'others';
export type VisibilityFilter = 'all' | 'public' | 'private';
export type CollaborativeFilter = 'all' | 'yes' | 'no';
/** With `track` set: the playlists that hold it, or those that do not. */
export type TrackMode = 'has' | 'lacks';

export interface PlaylistQuery {
  q: string;
  sort: SortKey;
  dir: SortDir;
  account: number | null;
  owner: OwnerFilter;
  visibility: VisibilityFilter;
  collaborative: CollaborativeFilter;
  tag: string | null;
  /** Only playlists without tags (the sidebar's "Untagged"; `tag` is null then). */
  untagged: boolean;
  /** A track or episode URI (as lib/batch's toUri reads a paste), or '' for no track filter. */
  track: string;
  trackMode: TrackMode;
}

export const defaultQuery: PlaylistQuery = {
  q: '',
  sort: 'name',
  dir: 'asc',
  account: null,
  owner: 'all',
  visibility: 'all',
  collaborative: 'all',
  tag: null,
  untagged: false,
  track: '',
  trackMode: 'has',
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Reads a query string; unknown or invalid values fall back to the defaults. */
export function decodeQuery(search: string | URLSearchParams): PlaylistQuery {
  const p = typeof search === 'string' ? new URLSearchParams(search) : search;
  const account = p.get('account');
  const accountId = account !== null && /^\d+$/.test(account) ? Number(account) : null;
  const tag = p.get('tag');
  const track = toUri(p.get('track') ?? '');
  return {
    q: p.get('q') ?? '',
    sort: oneOf(p.get('sort'), ['name', 'tracks', 'owner', 'synced'] as const, 'name'),
    dir: oneOf(p.get('dir'), ['asc', 'desc'] as const, 'asc'),
    account: accountId,
    owner: oneOf(p.get('owner'), ['all', 'mine', 'others'] as const, 'all'),
    visibility: oneOf(p.get('visibility'), ['all', 'public', 'private'] as const, 'all'),
    collaborative: oneOf(p.get('collaborative'), ['all', 'yes', 'no'] as const, 'all'),
    tag: tag !== null && tag !== '' ? tag : null,
    untagged: (tag === null || tag === '') && p.get('untagged') === '1',
    track: track ?? '',
    trackMode: oneOf(p.get('track_mode'), ['has', 'lacks'] as const, 'has'),
  };
}

/** Writes only what differs from the defaults, in a stable order ("" for the defaults). */
export function encodeQuery(query: PlaylistQuery): string {
  const p = new URLSearchParams();
  if (query.q !== '') p.set('q', query.q);
  if (query.sort !== defaultQuery.sort) p.set('sort', query.sort);
  if (query.dir !== defaultQuery.dir) p.set('dir', query.dir);
  if (query.account !== null) p.set('account', String(query.account));
  if (query.owner !== 'all') p.set('owner', query.owner);
  if (query.visibility !== 'all') p.set('visibility', query.visibility);
  if (query.collaborative !== 'all') p.set('collaborative', query.collaborative);
  if (query.tag !== null) p.set('tag', query.tag);
  else if (query.untagged) p.set('untagged', '1');
  if (query.track !== '') {
    p.set('track', query.track);
    if (query.trackMode !== 'has') p.set('track_mode', query.trackMode);
  }
  return p.toString();
}

/** True when any filter or the search narrows the list (sorting does not count). */
export function isFiltered(query: PlaylistQuery): boolean {
  return (
    query.q.trim() !== '' ||
    query.account !== null ||
    query.owner !== 'all' ||
    query.visibility !== 'all' ||
    query.collaborative !== 'all' ||
    query.tag !== null ||
    query.untagged ||
    query.track !== ''
  );
}

/** Lower case without accents, for forgiving matching ("Beyoncé" matches "beyonce"). */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** The words of a search, folded; a playlist matches when its search text holds all of them. */
function searchWords(q: string): string[] {
  return fold(q).split(/\s+/).filter(Boolean);
}

/** What the search looks in: name, description and owner, folded. */
function searchText(p: Playlist): string {
  return fold(`${p.name}\n${p.description}\n${p.owner_name}\n${p.owner_id}`);
}

/** Every word of the search must occur in the name, description or owner. */
export function matchesSearch(p: Playlist, q: string): boolean {
  const words = searchWords(q);
  return words.length === 0 || words.every((w) => searchText(p).includes(w));
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/**
 * A list of playlists prepared once per data change, so that a key press (a search, a filter, a
 * sort) costs no text folding, no collation and no date parsing: the folded search text of each
 * playlist, its key, its rank by name and by owner under the collator, its sync time as a number,
 * and each sort order (key and direction) computed on first use and kept.
 */
export interface PlaylistIndex {
  readonly list: readonly Playlist[];
  readonly keys: readonly string[];
  readonly searchText: readonly string[];
  readonly nameRank: Int32Array;
  readonly ownerRank: Int32Array;
  /** Milliseconds since the epoch; NaN for never synced. */
  readonly syncedAt: Float64Array;
  readonly orders: Map<string, Int32Array>;
}

/** Each item's rank under the collator; items that compare equal share a rank. */
function collationRanks<T>(list: readonly T[], text: (item: T) => string): Int32Array {
  const texts = list.map(text);
  const order = texts.map((_, i) => i).sort((a, b) => collator.compare(texts[a]!, texts[b]!));
  const ranks = new Int32Array(list.length);
  let rank = 0;
  order.forEach((i, n) => {
    if (n > 0 && collator.compare(texts[order[n - 1]!]!, texts[i]!) !== 0) rank = n;
    ranks[i] = rank;
  });
  return ranks;
}

export function indexPlaylists(list: readonly Playlist[]): PlaylistIndex {
  return {
    list,
    keys: list.map(playlistKey),
    searchText: list.map(searchText),
    nameRank: collationRanks(list, (p) => p.name),
    ownerRank: collationRanks(list, (p) => p.owner_name || p.owner_id),
    syncedAt: Float64Array.from(list, (p) =>
      p.synced_at === null ? Number.NaN : Date.parse(p.synced_at),
    ),
    orders: new Map(),
  };
}

/**
 * The positions of the index's playlists in the order of `key` and `dir`, kept in the index: a
 * stable sort; ties and missing values (never synced) go last, then by name.
 */
export function sortedOrder(index: PlaylistIndex, key: SortKey, dir: SortDir): Int32Array {
  const memo = `${key}:${dir}`;
  const known = index.orders.get(memo);
  if (known) return known;
  const sign = dir === 'asc' ? 1 : -1;
  const { list, nameRank, ownerRank, syncedAt } = index;
  const byName = (a: number, b: number) => nameRank[a]! - nameRank[b]!;
  const compare = (a: number, b: number): number => {
    switch (key) {
      case 'name':
        return sign * byName(a, b);
      case 'tracks':
        return sign * (list[a]!.track_count - list[b]!.track_count) || byName(a, b);
      case 'owner':
        return sign * (ownerRank[a]! - ownerRank[b]!) || byName(a, b);
      case 'synced': {
        const x = syncedAt[a]!;
        const y = syncedAt[b]!;
        if (x === y || (Number.isNaN(x) && Number.isNaN(y))) return byName(a, b);
        if (Number.isNaN(x)) return 1;
        if (Number.isNaN(y)) return -1;
        return sign * (x - y) || byName(a, b);
      }
    }
  };
  const order = Int32Array.from(list, (_, i) => i).sort((a, b) => compare(a, b) || a - b);
  index.orders.set(memo, order);
  return order;
}

/** A query's test of one playlist of an index, with the search's words folded once. */
function queryTest(
  index: PlaylistIndex,
  query: PlaylistQuery,
  holding: ReadonlySet<string> | null,
): (i: number) => boolean {
  const byTrack = query.track !== '' && holding !== null;
  const words = searchWords(query.q);
  return (i) => {
    const p = index.list[i]!;
    return (
      (!byTrack || holding.has(index.keys[i]!) === (query.trackMode === 'has')) &&
      (!query.untagged || p.tags.length === 0) &&
      (query.account === null || p.account_id === query.account) &&
      (query.owner === 'all' || (query.owner === 'mine') === p.owned) &&
      (query.visibility === 'all' || (query.visibility === 'public') === p.public) &&
      (query.collaborative === 'all' || (query.collaborative === 'yes') === p.collaborative) &&
      (query.tag === null || p.tags.includes(query.tag)) &&
      words.every((w) => index.searchText[i]!.includes(w))
    );
  };
}

/**
 * The playlists the query lets through, in its order. `holding` is the set of playlistKey()s that
 * hold the query's track (from GET api/where); null while it is unknown, when the track filter lets
 * every playlist through (the page says it is still looking).
 */
export function queryIndex(
  index: PlaylistIndex,
  query: PlaylistQuery,
  holding: ReadonlySet<string> | null = null,
): Playlist[] {
  const passes = queryTest(index, query, holding);
  const shown: Playlist[] = [];
  for (const i of sortedOrder(index, query.sort, query.dir))
    if (passes(i)) shown.push(index.list[i]!);
  return shown;
}

/** The playlists the query lets through, in the list's order (see queryIndex). */
export function filterPlaylists(
  list: readonly Playlist[],
  query: PlaylistQuery,
  holding: ReadonlySet<string> | null = null,
): Playlist[] {
  const passes = queryTest(indexPlaylists(list), query, holding);
  return list.filter((_, i) => passes(i));
}

/** The list in the order of `key` and `dir` (see sortedOrder). */
export function sortPlaylists(list: readonly Playlist[], key: SortKey, dir: SortDir): Playlist[] {
  return Array.from(sortedOrder(indexPlaylists(list), key, dir), (i) => list[i]!);
}

/** The query applied to a list once (the page keeps an index instead: see indexPlaylists). */
export function applyQuery(
  list: readonly Playlist[],
  query: PlaylistQuery,
  holding: ReadonlySet<string> | null = null,
): Playlist[] {
  return queryIndex(indexPlaylists(list), query, holding);
}

/** All tags in use, sorted. */
export function allTags(list: readonly Playlist[]): string[] {
  return tagCounts(list).tags.map(([tag]) => tag);
}

export interface TagCounts {
  /** Every tag in use with the number of playlists that have it, sorted by tag. */
  tags: [string, number][];
  /** Playlists without any tag. */
  untagged: number;
}

/** The tag sidebar's counts, in one pass over the list. */
export function tagCounts(list: readonly Playlist[]): TagCounts {
  const counts = new Map<string, number>();
  let untagged = 0;
  for (const p of list) {
    if (p.tags.length === 0) untagged++;
    for (const t of p.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const tags = [...counts].sort((a, b) => collator.compare(a[0], b[0]));
  return { tags, untagged };
}

export function playlistKey(p: Pick<Playlist, 'account_id' | 'id'>): string {
  return `${p.account_id}:${p.id}`;
}
