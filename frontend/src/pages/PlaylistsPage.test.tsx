import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { account, job, playlist, sessionInfo } from '../test/fixtures';
import { apiError, json, mockApi } from '../test/server';
import { bus } from '../lib/events';
import { location, navigate } from '../lib/router';
import { setSession } from '../lib/session';
import { Page, rowNames } from '../test/playlists-page';

const playlists = [
  playlist({ id: 'p1', name: 'Alpha Beats', track_count: 12, tags: ['gym'] }),
  playlist({ id: 'p2', name: 'Bravo Ballads', track_count: 40, public: false }),
  playlist({
    id: 'p3',
    name: 'Charlie Chill',
    track_count: 8,
    owned: false,
    owner_name: 'Someone Else',
    owner_id: 'x',
  }),
  playlist({ id: 'p4', name: 'Delta Drive', track_count: 99, collaborative: true }),
  playlist({ id: 'p5', name: 'Echo Evening', track_count: 5 }),
];

beforeEach(() => {
  navigate('playlists', { replace: true });
  setSession(sessionInfo('editor'));
});

describe('PlaylistsPage', () => {
  it('merges the selected playlists into a new one, previewed first', async () => {
    const { calls } = mockApi({
      'GET api/playlists': json({ playlists, total: 5 }),
      'GET api/accounts': json({ accounts: [account()] }),
      'POST api/accounts/1/playlists': (call) =>
        (call.body as { dry_run: boolean }).dry_run
          ? json({ name: 'x', item_count: 17, duplicates_dropped: 3, local_files_skipped: 1 })
          : json(job({ id: 'c1', kind: 'create_playlist', state: 'queued' }), 202),
    });
    render(<Page />);
    await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(5));
    fireEvent.click(screen.getByLabelText('Select Alpha Beats'));
    fireEvent.click(screen.getByLabelText('Select Echo Evening'));
    fireEvent.click(screen.getByRole('button', { name: 'Merge into a new playlist…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Merge 2 playlists' });
    await within(dialog).findByText(/17 tracks, 3 duplicates left out, 1 local/);
    expect(calls.at(-1)!.body).toEqual({
      name: 'Alpha Beats + Echo Evening',
      public: false,
      collaborative: false,
      dedupe: true,
      dry_run: true,
      merge_of: ['p1', 'p5'],
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(calls.at(-1)!.body).toMatchObject({ dry_run: false }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('lists playlists and filters them instantly by search, keeping it in the URL', async () => {
    mockApi({
      'GET api/playlists': json({ playlists, total: 5 }),
      'GET api/accounts': json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(5));
    fireEvent.input(screen.getByLabelText('Search playlists'), { target: { value: 'char' } });
    await waitFor(() => expect(rowNames()).toEqual(['Charlie Chill']));
    expect(location.value.search).toBe('q=char');
    expect(screen.getByTestId('result-count').textContent).toBe('Showing 1 of 5 playlists');
  });

  it('applies filters and sorting from the URL query', async () => {
    navigate('playlists?sort=tracks&dir=desc&visibility=public', { replace: true });
    mockApi({
      'GET api/playlists': json({ playlists, total: 5 }),
      'GET api/accounts': json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() =>
      expect(rowNames()).toEqual(['Delta Drive', 'Alpha Beats', 'Charlie Chill', 'Echo Evening']),
    );
    fireEvent.change(screen.getByLabelText('Owner'), { target: { value: 'others' } });
    await waitFor(() => expect(rowNames()).toEqual(['Charlie Chill']));
    expect(new URLSearchParams(location.value.search).get('owner')).toBe('others');
    fireEvent.click(screen.getByRole('button', { name: 'Clear search and filters' }));
    await waitFor(() => expect(rowNames()).toHaveLength(5));
    expect(location.value.search).toBe('sort=tracks&dir=desc');
  });

  it('selects with checkboxes, shift-click ranges and select-all-visible', async () => {
    mockApi({
      'GET api/playlists': json({ playlists, total: 5 }),
      'GET api/accounts': json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(5));
    fireEvent.click(screen.getByLabelText('Select Alpha Beats'));
    fireEvent.click(screen.getByLabelText('Select Delta Drive'), { shiftKey: true });
    expect(screen.getByTestId('selection-count').textContent).toBe('4 selected');
    expect(screen.getByRole('button', { name: 'Merge into a new playlist…' })).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Select all shown playlists'));
    expect(screen.getByTestId('selection-count').textContent).toBe('5 selected');
    fireEvent.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(screen.queryByTestId('selection-count')).toBeNull();
  });

  it('keeps table semantics: row count, row indexes, one tab stop and row keys', async () => {
    mockApi({
      'GET api/playlists': json({ playlists, total: 5 }),
      'GET api/accounts': json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(5));
    const table = screen.getByRole('table');
    expect(table.getAttribute('aria-rowcount')).toBe('6');
    const rows = screen.getAllByRole('row');
    expect(rows).toHaveLength(6);
    expect(rows[5]!.getAttribute('aria-rowindex')).toBe('6');
    expect(screen.getAllByRole('columnheader').length).toBeGreaterThan(5);
    // The rows are one tab stop (the first row), the controls inside them none.
    const body = rows.slice(1);
    expect(body.map((r) => r.tabIndex)).toEqual([0, -1, -1, -1, -1]);
    expect(screen.getByLabelText('Select Alpha Beats').tabIndex).toBe(-1);
    // Its links (the playlist, "Open … in Spotify") are reached through the row, not by Tab.
    const links = within(body[0]!).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('aria-label') ?? l.textContent)).toEqual([
      'Alpha Beats',
      'Open Alpha Beats in Spotify',
    ]);
    expect(links.map((l) => l.tabIndex)).toEqual([-1, -1]);
    expect(links[1]!.getAttribute('href')).toBe('https://open.spotify.com/playlist/p1');
    body[0]!.focus();
    fireEvent.keyDown(body[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(body[1]);
    expect(body.map((r) => r.tabIndex)).toEqual([-1, 0, -1, -1, -1]);
    fireEvent.keyDown(body[1]!, { key: ' ' });
    expect(screen.getByTestId('selection-count').textContent).toBe('1 selected');
    fireEvent.keyDown(body[1]!, { key: 'End' });
    expect(document.activeElement).toBe(body[4]);
    // Escape clears the selection; `/` goes to the search.
    fireEvent.keyDown(body[4]!, { key: 'Escape' });
    expect(screen.queryByTestId('selection-count')).toBeNull();
    fireEvent.keyDown(body[4]!, { key: '/' });
    expect(document.activeElement).toBe(screen.getByLabelText('Search playlists'));
    fireEvent.keyDown(body[4]!, { key: 'Enter' });
    await waitFor(() => expect(location.value.path).toMatch(/playlists\/1\//));
  });

  it('re-reads the list on a playlists event without a reload', async () => {
    let version = 1;
    mockApi({
      'GET api/playlists': () =>
        json({ playlists: version === 1 ? playlists.slice(0, 2) : playlists, total: 5 }, 200, {
          ETag: `"v${version}"`,
        }),
      'GET api/accounts': json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(2));
    version = 2;
    bus.emit('playlists', { account_id: 1, playlist_ids: [] });
    await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(5));
  });

  it('guides to connecting when there is no account, and offers sync when nothing is stored', async () => {
    mockApi({
      'GET api/playlists': json({ playlists: [], total: 0 }),
      'GET api/accounts': json({ accounts: [] }),
    });
    const { unmount } = render(<Page />);
    await waitFor(() =>
      expect(screen.getByText('Connect Spotify to see your playlists')).toBeTruthy(),
    );
    expect(screen.getByRole('link', { name: 'Connect a Spotify account' })).toBeTruthy();
    unmount();

    mockApi({
      'GET api/playlists': json({ playlists: [], total: 0 }),
      'GET api/accounts': json({ accounts: [account({ playlist_count: 0 })] }),
    });
    render(<Page />);
    await waitFor(() => expect(screen.getByText('No playlists stored yet')).toBeTruthy());
    expect(screen.getByRole('button', { name: 'Sync now (Demo Pro)' })).toBeTruthy();
  });

  it('hides sync for viewers', async () => {
    setSession(sessionInfo('viewer'));
    mockApi({
      'GET api/playlists': json({ playlists, total: 5 }),
      'GET api/accounts': json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(5));
    expect(screen.queryByRole('button', { name: /Sync/ })).toBeNull();
  });

  it('shows the error with a retry when the accounts fail to load, even if playlists loaded', async () => {
    let accountsFail = true;
    mockApi({
      'GET api/playlists': json({ playlists, total: 5 }),
      'GET api/accounts': () =>
        accountsFail
          ? apiError(500, 'internal', 'The accounts could not be read.')
          : json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('The accounts could not be read.'),
    );
    expect(screen.queryByText('Loading playlists…')).toBeNull();
    accountsFail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(5));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
