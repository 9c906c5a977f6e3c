import { describe, expect, it } from 'vitest';
import { items } from '../test/fixtures';
import { filterTracks, totalDurationMs } from './track-filter';

describe('track filter', () => {
  const list = items(4);
  list[0] = { ...list[0]!, name: 'Halo', artists: ['Beyoncé'], album: 'I Am… Sasha Fierce' };
  list[1] = {
    ...list[1]!,
    name: 'Crazy in Love',
    artists: ['Beyoncé', 'JAY-Z'],
    album: 'Dangerously in Love',
  };
  list[2] = { ...list[2]!, name: 'So What', artists: ['Miles Davis'], album: 'Kind of Blue' };
  list[3] = {
    ...list[3]!,
    name: 'Blue in Green',
    artists: ['Miles Davis'],
    album: 'Kind of Blue',
    is_local: true,
  };

  it('matches every word in title, artists or album, ignoring case and accents', () => {
    expect(filterTracks(list, 'beyonce').map((i) => i.name)).toEqual(['Halo', 'Crazy in Love']);
    expect(filterTracks(list, 'jay-z love').map((i) => i.position)).toEqual([1]);
    expect(filterTracks(list, 'blue miles').map((i) => i.name)).toEqual([
      'So What',
      'Blue in Green',
    ]);
    expect(filterTracks(list, 'nothing like this')).toEqual([]);
  });

  it('returns the same array for an empty filter and sums durations', () => {
    expect(filterTracks(list, '  ')).toBe(list);
    expect(totalDurationMs(items(2))).toBe(361_000);
  });
});
