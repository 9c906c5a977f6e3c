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

/** Every word of the search must occur in the name, description or owner. */
export function matchesSearch(p: Playlist, q: string): boolean {
  const words = fold(q).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fold(`${p.name}\n${p.description}\n${p.owner_name}\n${p.owner_id}`);
  return words.every((w) => hay.includes(w));
}

/**
 * The playlists the query lets through. `holding` is the set of playlistKey()s that hold the
 * query's track (from GET api/where); null while it is unknown, when the track filter lets every
 * playlist through (the page says it is still looking).
 */
export function filterPlaylists(
  list: readonly Playlist[],
  query: PlaylistQuery,
  holding: ReadonlySet<string> | null = null,
): Playlist[] {
  const byTrack = query.track !== '' && holding !== null;
  return list.filter(
    (p) =>
      (!byTrack || holding.has(playlistKey(p)) === (query.trackMode === 'has')) &&
      (!query.untagged || p.tags.length === 0) &&
      (query.account === null || p.account_id === query.account) &&
      (query.owner === 'all' || (query.owner === 'mine') === p.owned) &&
      (query.visibility === 'all' || (query.visibility === 'public') === p.public) &&
      (query.collaborative === 'all' || (query.collaborative === 'yes') === p.collaborative) &&
      (query.tag === null || p.tags.includes(query.tag)) &&
      matchesSearch(p, query.q),
  );
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** A stable sort; ties and missing values (never synced) go last, then by name. */
export function sortPlaylists(list: readonly Playlist[], key: SortKey, dir: SortDir): Playlist[] {
  const sign = dir === 'asc' ? 1 : -1;
  const byName = (a: Playlist, b: Playlist) => collator.compare(a.name, b.name);
  const compare = (a: Playlist, b: Playlist): number => {
    switch (key) {
      case 'name':
        return sign * byName(a, b);
      case 'tracks':
        return sign * (a.track_count - b.track_count) || byName(a, b);
      case 'owner':
        return (
          sign * collator.compare(a.owner_name || a.owner_id, b.owner_name || b.owner_id) ||
          byName(a, b)
        );
      case 'synced': {
        if (a.synced_at === b.synced_at) return byName(a, b);
        if (a.synced_at === null) return 1;
        if (b.synced_at === null) return -1;
        return sign * (Date.parse(a.synced_at) - Date.parse(b.synced_at)) || byName(a, b);
      }
    }
  };
  return list
    .map((p, i) => ({ p, i }))
    .sort((x, y) => compare(x.p, y.p) || x.i - y.i)
    .map((x) => x.p);
}

export function applyQuery(
  list: readonly Playlist[],
  query: PlaylistQuery,
  holding: ReadonlySet<string> | null = null,
): Playlist[] {
  return sortPlaylists(filterPlaylists(list, query, holding), query.sort, query.dir);
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
