import { render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { items, playlist, sessionInfo } from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { bus } from '../lib/events';
import { setSession } from '../lib/session';
import { PlaylistPage } from './PlaylistPage';

beforeEach(() => {
  setSession(sessionInfo('editor'));
});

describe('PlaylistPage', () => {
  it('re-reads the playlist on a playlists event about it, not about another one', async () => {
    let name = 'Before';
    const { calls } = mockApi({
      'GET api/accounts/1/playlists/p1': () => json(playlist({ id: 'p1', name })),
      'GET api/accounts/1/playlists/p1/items': () =>
        json({ items: items(3), total: 3, snapshot_id: 'snap' }),
    });
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Before' })).toBeTruthy());
    const reads = () => calls.filter((c) => c.url.pathname === '/api/accounts/1/playlists/p1');
    name = 'After';
    bus.emit('playlists', { account_id: 1, playlist_ids: ['p2'] });
    bus.emit('playlists', { account_id: 2, playlist_ids: ['p1'] });
    expect(reads()).toHaveLength(1);
    bus.emit('playlists', { account_id: 1, playlist_ids: ['p2', 'p1'] });
    await waitFor(() => expect(screen.getByRole('heading', { name: 'After' })).toBeTruthy());
    expect(reads()).toHaveLength(2);
  });

  it('says the playlist is not found on a 404, without a retry', async () => {
    mockApi({});
    render(<PlaylistPage accountId={1} playlistId="gone" />);
    await waitFor(() => expect(screen.getByText('Playlist not found')).toBeTruthy());
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });
});
