// The playlists page's search, sort and filters: encoded in the URL query (so reload and back keep
// them) and applied in the browser (the API returns all playlists in one response).
import type { Playlist } from '../api/client';

export type SortKey = 'name' | 'tracks' | 'owner' | 'synced';
export type SortDir = 'asc' | 'desc';
export type OwnerFilter = 'all' | 'mine' | 'others';
export type VisibilityFilter = 'all' | 'public' | 'private';
export type CollaborativeFilter = 'all' | 'yes' | 'no';

export interface PlaylistQuery {
  q: string;
  sort: SortKey;
  dir: SortDir;
  account: number | null;
  owner: OwnerFilter;
  visibility: VisibilityFilter;
  collaborative: CollaborativeFilter;
  tag: string | null;
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
  return {
    q: p.get('q') ?? '',
    sort: oneOf(p.get('sort'), ['name', 'tracks', 'owner', 'synced'] as const, 'name'),
    dir: oneOf(p.get('dir'), ['asc', 'desc'] as const, 'asc'),
    account: accountId,
    owner: oneOf(p.get('owner'), ['all', 'mine', 'others'] as const, 'all'),
    visibility: oneOf(p.get('visibility'), ['all', 'public', 'private'] as const, 'all'),
    collaborative: oneOf(p.get('collaborative'), ['all', 'yes', 'no'] as const, 'all'),
    tag: tag !== null && tag !== '' ? tag : null,
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
    query.tag !== null
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

export function filterPlaylists(list: readonly Playlist[], query: PlaylistQuery): Playlist[] {
  return list.filter(
    (p) =>
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

export function applyQuery(list: readonly Playlist[], query: PlaylistQuery): Playlist[] {
  return sortPlaylists(filterPlaylists(list, query), query.sort, query.dir);
}

/** All tags in use, sorted. */
export function allTags(list: readonly Playlist[]): string[] {
  const set = new Set<string>();
  for (const p of list) for (const t of p.tags) set.add(t);
  return [...set].sort((a, b) => collator.compare(a, b));
}

export function playlistKey(p: Pick<Playlist, 'account_id' | 'id'>): string {
  return `${p.account_id}:${p.id}`;
}
