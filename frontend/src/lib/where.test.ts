import { describe, expect, it } from 'vitest';
import type { TrackWhere } from '../api/client';
import { playlist } from '../test/fixtures';
import { playlistKey, toggleBatches, whereRows } from './where';

const where: TrackWhere = {
  uri: 'spotify:track:t',
  track: null,
  playlists: [
    {
      account_id: 1,
      playlist_id: 'held',
      name: 'Held',
      positions: [0, 4],
      added_at: '2026-01-01T00:00:00Z',
      in_history_since: '2026-01-02T00:00:00Z',
      read_only_reason: null,
    },
    {
      account_id: 1,
      playlist_id: 'theirs',
      name: 'Theirs',
      positions: [1],
      added_at: null,
      in_history_since: null,
      read_only_reason: 'owned by someone else',
    },
  ],
};

describe('whereRows', () => {
  it('lists the holders, then the other writable playlists by name, never a read-only one', () => {
    const rows = whereRows(where, [
      playlist({ id: 'held', name: 'Held' }),
      playlist({ id: 'zed', name: 'Zed' }),
      playlist({ id: 'abc', name: 'Abc' }),
      playlist({ id: 'ro', name: 'Read only', read_only_reason: 'followed' }),
      playlist({ id: 'held', account_id: 2, name: 'Other account' }),
    ]);
    expect(rows.map((r) => `${r.accountId}/${r.playlistId}`)).toEqual([
      '1/held',
      '1/theirs',
      '1/abc',
      '2/held',
      '1/zed',
    ]);
  });
});

describe('toggleBatches', () => {
  it('adds to the playlists switched on and removes from those switched off, one batch per account', () => {
    const rows = whereRows(where, [
      playlist({ id: 'abc', name: 'Abc' }),
      playlist({ id: 'x', account_id: 2, name: 'X' }),
    ]);
    // "Held" switched off, "Abc" and account 2's "X" switched on; "Theirs" may not change.
    const on = new Set([playlistKey(1, 'abc'), playlistKey(2, 'x')]);
    const batches = toggleBatches('spotify:track:t', null, rows, on);
    expect([...batches.entries()]).toEqual([
      [
        1,
        {
          playlist_ids: ['abc'],
          operation: { kind: 'add', uris: ['spotify:track:t'], at: 'bottom' },
          more: [
            { playlist_ids: ['held'], operation: { kind: 'remove', uris: ['spotify:track:t'] } },
          ],
        },
      ],
      [
        2,
        {
          playlist_ids: ['x'],
          operation: { kind: 'add', uris: ['spotify:track:t'], at: 'bottom' },
        },
      ],
    ]);
  });

  it('removes alone when nothing is switched on, and asks nothing when nothing changed', () => {
    const rows = whereRows(where, []);
    expect([...toggleBatches('spotify:track:t', null, rows, new Set()).values()]).toEqual([
      { playlist_ids: ['held'], operation: { kind: 'remove', uris: ['spotify:track:t'] } },
    ]);
    const same = new Set([playlistKey(1, 'held'), playlistKey(1, 'theirs')]);
    expect(toggleBatches('spotify:track:t', null, rows, same).size).toBe(0);
  });
});
