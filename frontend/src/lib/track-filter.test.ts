import { describe, expect, it } from 'vitest';
import type { PlaylistItem } from '../api/client';
import { items } from '../test/fixtures';
import {
  PLAYLIST_ORDER,
  indexTracks,
  isPlaylistOrder,
  matchingRows,
  nextSort,
  orderedRows,
  totalDurationMs,
  type TrackFlag,
  type TrackSort,
} from './track-filter';

const none: ReadonlySet<TrackFlag> = new Set();

function list(): PlaylistItem[] {
  const l = items(5);
  l[0] = { ...l[0]!, name: 'Halo', artists: ['Beyoncé'], album: 'I Am… Sasha Fierce' };
  l[1] = {
    ...l[1]!,
    name: 'Crazy in Love',
    artists: ['Beyoncé', 'JAY-Z'],
    album: 'Dangerously in Love',
    duration_ms: 236_000,
  };
  l[2] = { ...l[2]!, name: 'So What', artists: ['Miles Davis'], album: 'Kind of Blue' };
  l[3] = {
    ...l[3]!,
    uri: 'spotify:local:Miles+Davis::Blue+in+Green:337',
    name: 'Blue in Green',
    artists: ['Miles Davis'],
    album: 'Kind of Blue',
    is_local: true,
    added_at: '',
  };
  // a second copy of "Halo", unavailable now
  l[4] = { ...l[0], position: 4, unavailable: true, added_by: 'Émile' };
  return l;
}

const names = (rows: readonly PlaylistItem[]) => rows.map((i) => i.name);
const view = (sort: TrackSort, flags = none, text = '') => {
  const index = indexTracks(list());
  return names(matchingRows(index, orderedRows(index, sort, flags), text));
};

describe('the track view', () => {
  it('matches every word in title, artists, album or adder, ignoring case and accents', () => {
    expect(view(PLAYLIST_ORDER, none, 'beyonce love')).toEqual(['Crazy in Love']);
    expect(view(PLAYLIST_ORDER, none, 'blue miles')).toEqual(['So What', 'Blue in Green']);
    expect(view(PLAYLIST_ORDER, none, 'emile')).toEqual(['Halo']);
    expect(view(PLAYLIST_ORDER, none, 'nothing like this')).toEqual([]);
  });

  it('returns the list itself when nothing narrows or reorders it', () => {
    const index = indexTracks(list());
    expect(matchingRows(index, orderedRows(index, PLAYLIST_ORDER, none), '  ')).toBe(index.items);
    expect(totalDurationMs(items(2))).toBe(361_000);
  });

  it('sorts by text columns without regard to case or accents, stable on ties', () => {
    expect(view({ column: 'title', dir: 'asc' })).toEqual([
      'Blue in Green',
      'Crazy in Love',
      'Halo',
      'Halo',
      'So What',
    ]);
    // ties keep the playlist's order in both directions
    const index = indexTracks(list());
    expect(index.order({ column: 'title', dir: 'desc' })).toEqual([2, 0, 4, 1, 3]);
    expect(index.order({ column: 'artists', dir: 'asc' })).toEqual([0, 4, 1, 2, 3]);
    expect(index.order({ column: 'added_by', dir: 'desc' })).toEqual([4, 0, 1, 2, 3]);
  });

  it('sorts numbers as numbers and puts missing dates last either way', () => {
    const index = indexTracks(list());
    // durations: 180, 236, 182, 183, 180 seconds
    expect(index.order({ column: 'duration', dir: 'asc' })).toEqual([0, 4, 2, 3, 1]);
    const byDate = indexTracks(
      list().map((item, i) =>
        i === 3 ? item : { ...item, added_at: `2026-01-0${5 - i}T00:00:00Z` },
      ),
    );
    expect(byDate.order({ column: 'added_at', dir: 'asc' })).toEqual([4, 2, 1, 0, 3]);
    expect(byDate.order({ column: 'added_at', dir: 'desc' })).toEqual([0, 1, 2, 4, 3]);
  });

  it("takes position as the list's own order (rows not yet confirmed have none)", () => {
    const l = list();
    l[1] = { ...l[1]!, position: 99 };
    const index = indexTracks(l);
    expect(index.order(PLAYLIST_ORDER)).toEqual([0, 1, 2, 3, 4]);
    expect(index.order({ column: 'position', dir: 'desc' })).toEqual([4, 3, 2, 1, 0]);
  });

  it('computes a sort once per list and sort', () => {
    const index = indexTracks(list());
    const sort: TrackSort = { column: 'album', dir: 'asc' };
    expect(index.order(sort)).toBe(index.order({ ...sort }));
  });

  it('counts flags and keeps rows with any chosen flag, combined with the text', () => {
    const index = indexTracks(list());
    expect(index.counts).toEqual({ unavailable: 1, local: 1, duplicate: 2 });
    expect(view(PLAYLIST_ORDER, new Set(['duplicate']))).toEqual(['Halo', 'Halo']);
    expect(view(PLAYLIST_ORDER, new Set(['local', 'unavailable']))).toEqual([
      'Blue in Green',
      'Halo',
    ]);
    expect(view({ column: 'title', dir: 'desc' }, new Set(['duplicate', 'local']), 'blue')).toEqual(
      ['Blue in Green'],
    );
  });

  it('toggles the direction on the sorted column and starts others ascending', () => {
    expect(nextSort(PLAYLIST_ORDER, 'position')).toEqual({ column: 'position', dir: 'desc' });
    expect(nextSort({ column: 'title', dir: 'desc' }, 'title')).toEqual({
      column: 'title',
      dir: 'asc',
    });
    expect(nextSort({ column: 'title', dir: 'desc' }, 'album')).toEqual({
      column: 'album',
      dir: 'asc',
    });
    expect(isPlaylistOrder({ column: 'position', dir: 'desc' })).toBe(false);
  });
});
