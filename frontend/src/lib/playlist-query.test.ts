import { describe, expect, it } from 'vitest';
import { playlist } from '../test/fixtures';
import {
  allTags,
  applyQuery,
  decodeQuery,
  defaultQuery,
  encodeQuery,
  filterPlaylists,
  indexPlaylists,
  isFiltered,
  queryIndex,
  sortedOrder,
  sortPlaylists,
  tagCounts,
  type SortDir,
  type SortKey,
} from './playlist-query';
import type { Playlist } from '../api/client';

const list = [
  playlist({
    id: 'a',
    name: 'Morning Café',
    track_count: 30,
    owner_name: 'Demo Pro',
    tags: ['focus'],
  }),
  playlist({
    id: 'b',
    name: 'Road trip',
    track_count: 120,
    public: false,
    description: 'Beyoncé and friends',
    tags: ['summer', 'focus'],
  }),
  playlist({
    id: 'c',
    name: 'Jazz classics',
    track_count: 75,
    owned: false,
    owner_id: 'jazzfan',
    owner_name: 'Jazz Fan',
    collaborative: true,
    synced_at: null,
  }),
  playlist({
    id: 'd',
    name: 'jazz 2',
    account_id: 2,
    track_count: 75,
    synced_at: '2026-03-05T00:00:00Z',
  }),
];

describe('query state in the URL', () => {
  it('uses defaults for empty or invalid values', () => {
    expect(decodeQuery('')).toEqual(defaultQuery);
    expect(decodeQuery('sort=bogus&dir=up&owner=x&account=abc')).toEqual(defaultQuery);
  });

  it('round-trips and writes only non-defaults', () => {
    const q = {
      ...defaultQuery,
      q: 'rock & roll',
      sort: 'tracks' as const,
      dir: 'desc' as const,
      account: 2,
      tag: 'a b',
    };
    const encoded = encodeQuery(q);
    expect(encoded).toBe('q=rock+%26+roll&sort=tracks&dir=desc&account=2&tag=a+b');
    expect(decodeQuery(encoded)).toEqual(q);
    expect(encodeQuery(defaultQuery)).toBe('');
  });

  it('keeps Untagged and the contains-track filter, reading links as URIs', () => {
    const q = {
      ...defaultQuery,
      untagged: true,
      track: 'spotify:track:4uLU6hMCjMI75M1A2tKUQC',
      trackMode: 'lacks' as const,
    };
    const encoded = encodeQuery(q);
    expect(encoded).toBe(
      'untagged=1&track=spotify%3Atrack%3A4uLU6hMCjMI75M1A2tKUQC&track_mode=lacks',
    );
    expect(decodeQuery(encoded)).toEqual(q);
    expect(isFiltered(q)).toBe(true);
    const link = 'https://open.spotify.com/intl-de/track/4uLU6hMCjMI75M1A2tKUQC?si=abc';
    expect(decodeQuery(new URLSearchParams({ track: link })).track).toBe(
      'spotify:track:4uLU6hMCjMI75M1A2tKUQC',
    );
    // Neither a track nor a link: no track filter; a tag wins over Untagged.
    expect(decodeQuery('track=hello&track_mode=lacks').track).toBe('');
    expect(decodeQuery('tag=gym&untagged=1')).toMatchObject({ tag: 'gym', untagged: false });
  });
});

describe('filtering', () => {
  const ids = (q: Partial<typeof defaultQuery>) =>
    filterPlaylists(list, { ...defaultQuery, ...q }).map((p) => p.id);

  it('searches name, description and owner, ignoring case and accents', () => {
    expect(ids({ q: 'cafe' })).toEqual(['a']);
    expect(ids({ q: 'BEYONCE' })).toEqual(['b']);
    expect(ids({ q: 'jazz fan' })).toEqual(['c']);
    expect(ids({ q: 'jazz' })).toEqual(['c', 'd']);
    expect(ids({ q: '   ' })).toEqual(['a', 'b', 'c', 'd']);
  });

  it('filters by owner, visibility, collaboration, account and tag', () => {
    expect(ids({ owner: 'others' })).toEqual(['c']);
    expect(ids({ owner: 'mine' })).toEqual(['a', 'b', 'd']);
    expect(ids({ visibility: 'private' })).toEqual(['b']);
    expect(ids({ collaborative: 'yes' })).toEqual(['c']);
    expect(ids({ account: 2 })).toEqual(['d']);
    expect(ids({ tag: 'focus' })).toEqual(['a', 'b']);
    expect(ids({ tag: 'focus', visibility: 'public' })).toEqual(['a']);
    expect(ids({ untagged: true })).toEqual(['c', 'd']);
  });

  it('keeps the playlists that hold the track, or those that do not, once that is known', () => {
    const holding = new Set(['1:a', '2:d']);
    const track = { track: 'spotify:track:x' };
    const byTrack = (q: Partial<typeof defaultQuery>, known: ReadonlySet<string> | null) =>
      filterPlaylists(list, { ...defaultQuery, ...q }, known).map((p) => p.id);
    expect(byTrack(track, holding)).toEqual(['a', 'd']);
    expect(byTrack({ ...track, trackMode: 'lacks' }, holding)).toEqual(['b', 'c']);
    expect(byTrack({ ...track, q: 'jazz' }, holding)).toEqual(['d']);
    // Still looking it up: the track filter lets everything through.
    expect(byTrack(track, null)).toEqual(['a', 'b', 'c', 'd']);
    // No track in the query: the set does not matter.
    expect(byTrack({}, holding)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('sorting', () => {
  it('sorts by name naturally and by track count with a name tie-break', () => {
    expect(sortPlaylists(list, 'name', 'asc').map((p) => p.id)).toEqual(['d', 'c', 'a', 'b']);
    expect(sortPlaylists(list, 'tracks', 'desc').map((p) => p.id)).toEqual(['b', 'd', 'c', 'a']);
    expect(sortPlaylists(list, 'tracks', 'asc').map((p) => p.id)).toEqual(['a', 'd', 'c', 'b']);
  });

  it('puts never-synced playlists last in both directions', () => {
    expect(
      sortPlaylists(list, 'synced', 'desc')
        .map((p) => p.id)
        .at(-1),
    ).toBe('c');
    expect(
      sortPlaylists(list, 'synced', 'asc')
        .map((p) => p.id)
        .at(-1),
    ).toBe('c');
    expect(sortPlaylists(list, 'synced', 'desc')[0]!.id).toBe('d');
  });

  it('applies filter then sort, and lists the tags in use', () => {
    const q = { ...defaultQuery, q: 'jazz', sort: 'name' as const, dir: 'desc' as const };
    expect(applyQuery(list, q).map((p) => p.id)).toEqual(['c', 'd']);
    expect(allTags(list)).toEqual(['focus', 'summer']);
  });

  it('counts the playlists per tag and the untagged ones', () => {
    expect(tagCounts(list)).toEqual({
      tags: [
        ['focus', 2],
        ['summer', 1],
      ],
      untagged: 2,
    });
  });
});

describe('the playlist index (prepared once per data change)', () => {
  // 400 playlists with colliding names (case and accents), equal counts and missing sync times.
  const names = ['Alpha', 'alpha', 'Álpha', 'Beta', 'beta 2', 'beta 10', 'Gamma', 'Zeta'];
  const many = Array.from({ length: 400 }, (_, i) =>
    playlist({
      id: `p${i}`,
      name: `${names[(i * 7) % names.length]}`,
      track_count: (i * 13) % 9,
      owner_name: i % 3 ? 'Ann' : 'bob',
      synced_at: i % 5 === 0 ? null : new Date(Date.UTC(2026, 0, 1 + (i % 11))).toISOString(),
      description: i === 333 ? 'Needle in the Haystack' : '',
    }),
  );
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  /** The order the index must give, written the slow obvious way. */
  const reference = (key: SortKey, dir: SortDir) => {
    const sign = dir === 'asc' ? 1 : -1;
    const byName = (a: Playlist, b: Playlist) => collator.compare(a.name, b.name);
    const value = (p: Playlist) =>
      key === 'tracks' ? p.track_count : p.synced_at === null ? null : Date.parse(p.synced_at);
    return many
      .map((p, i) => ({ p, i }))
      .sort((x, y) => {
        const [a, b] = [x.p, y.p];
        let c: number;
        if (key === 'name') c = sign * byName(a, b);
        else if (key === 'owner')
          c = sign * collator.compare(a.owner_name, b.owner_name) || byName(a, b);
        else {
          const [va, vb] = [value(a), value(b)];
          if (va === vb) c = byName(a, b);
          else if (va === null) c = 1;
          else if (vb === null) c = -1;
          else c = sign * (va - vb) || byName(a, b);
        }
        return c || x.i - y.i;
      })
      .map((x) => x.p.id);
  };

  it('sorts by every key and direction as the collator and the dates say, stably', () => {
    const index = indexPlaylists(many);
    for (const key of ['name', 'tracks', 'owner', 'synced'] as const)
      for (const dir of ['asc', 'desc'] as const)
        expect(queryIndex(index, { ...defaultQuery, sort: key, dir }).map((p) => p.id)).toEqual(
          reference(key, dir),
        );
  });

  it('keeps each sort order once computed, and filters in it', () => {
    const index = indexPlaylists(many);
    const order = sortedOrder(index, 'tracks', 'desc');
    expect(sortedOrder(index, 'tracks', 'desc')).toBe(order);
    const found = queryIndex(index, { ...defaultQuery, q: 'haystack needle', sort: 'tracks' });
    expect(found.map((p) => p.id)).toEqual(['p333']);
    const zeta = queryIndex(index, { ...defaultQuery, q: 'ZETA', sort: 'tracks', dir: 'desc' });
    expect(zeta.map((p) => p.id)).toEqual(
      reference('tracks', 'desc').filter((id) => zeta.some((p) => p.id === id)),
    );
    expect(zeta.length).toBe(many.filter((p) => p.name === 'Zeta').length);
  });
});
