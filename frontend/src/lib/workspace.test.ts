import { afterEach, describe, expect, it } from 'vitest';
import { playlist } from '../test/fixtures';
import {
  effectiveDensity,
  readOnlyNote,
  resolveSelector,
  selectorOf,
  storedDensity,
  storeDensity,
  summarizeSelection,
} from './workspace';

const list = [
  playlist({ id: 'a', name: 'Gym', tags: ['Workout'] }),
  playlist({ id: 'b', name: 'Road trip', owned: false, read_only_reason: 'Owned by someone else' }),
  playlist({ id: 'c', name: 'Jazz classics' }),
  playlist({ id: 'd', name: 'Other account', account_id: 2 }),
];

describe('selection summary', () => {
  it('counts hidden and read-only playlists and finds the one account', () => {
    const s = summarizeSelection(list, new Set(['1:a', '1:b', '1:c']), new Set(['1:a', '1:b']));
    expect(s.chosen.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect(s.hidden).toBe(1);
    expect(s.writable.map((p) => p.id)).toEqual(['a', 'c']);
    expect(s.readOnly.map((p) => p.id)).toEqual(['b']);
    expect(s.accountId).toBe(1);
    expect(readOnlyNote(s.readOnly)).toBe(
      '1 read-only playlist will be left out: Owned by someone else',
    );
  });

  it('has no account when the selection spans several, and ignores keys no longer listed', () => {
    const s = summarizeSelection(list, new Set(['1:a', '2:d', '1:gone']), new Set());
    expect(s.chosen).toHaveLength(2);
    expect(s.accountId).toBeNull();
    expect(summarizeSelection(list, new Set(), new Set()).accountId).toBeNull();
    expect(readOnlyNote([])).toBeNull();
  });
});

describe('saved selectors', () => {
  it('writes a hand selection as its ids and reads it back, noting ids no longer stored', () => {
    expect(selectorOf([list[0]!, list[2]!])).toBe('a,c');
    const r = resolveSelector('a, c,gone', list, 1);
    expect([...r.keys]).toEqual(['1:a', '1:c']);
    expect(r.missing).toEqual(['gone']);
  });

  it('reads URIs, links, tag:, search:, owned and all, within the account', () => {
    const keys = (selector: string, account: number | null = 1) => [
      ...resolveSelector(selector, list, account).keys,
    ];
    expect(keys('spotify:playlist:a,https://open.spotify.com/playlist/c?si=x')).toEqual([
      '1:a',
      '1:c',
    ]);
    expect(keys('tag:workout')).toEqual(['1:a']);
    expect(keys('search:JAZZ')).toEqual(['1:c']);
    expect(keys('owned')).toEqual(['1:a', '1:c']);
    expect(keys('all')).toEqual(['1:a', '1:b', '1:c']);
    expect(keys('d')).toEqual([]);
    expect(keys('d', null)).toEqual(['2:d']);
  });
});

describe('density', () => {
  afterEach(() => localStorage.clear());

  it('is compact for long lists until the user picks one, and remembers the pick', () => {
    expect(storedDensity()).toBeNull();
    expect(effectiveDensity(null, 50)).toBe('comfortable');
    expect(effectiveDensity(null, 51)).toBe('compact');
    storeDensity('comfortable');
    expect(storedDensity()).toBe('comfortable');
    expect(effectiveDensity(storedDensity(), 2000)).toBe('comfortable');
  });
});
