// The playlists page as a workspace for batch edits: density, the tag sidebar, the contains-track
// filter, a selection that survives the filters, read-only playlists, saved selections.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Playlist, SavedSelection } from '../api/client';
import { account, playlist, sessionInfo } from '../test/fixtures';
import { json, mockApi, type Call } from '../test/server';
import { location, navigate } from '../lib/router';
import { setSession } from '../lib/session';
import { toasts } from '../lib/toast';
import { Page, rowNames } from '../test/playlists-page';

const TRACK = 'spotify:track:4uLU6hMCjMI75M1A2tKUQC';

const playlists = [
  playlist({ id: 'p1', name: 'Alpha Beats', tags: ['gym', 'summer'] }),
  playlist({ id: 'p2', name: 'Bravo Ballads', tags: ['summer'] }),
  playlist({
    id: 'p3',
    name: 'Charlie Chill',
    owned: false,
    read_only_reason: 'Owned by Someone Else and not collaborative',
  }),
  playlist({ id: 'p4', name: 'Delta Drive', tags: ['gym'] }),
  playlist({ id: 'p5', name: 'Echo Evening' }),
];

function serve(
  list: Playlist[] = playlists,
  extra: Parameters<typeof mockApi>[0] = {},
  selections: SavedSelection[] = [],
) {
  return mockApi({
    'GET api/playlists': json({ playlists: list, total: list.length }),
    'GET api/accounts': json({ accounts: [account(), account({ id: 2, display_name: 'Second' })] }),
    'GET api/selections': json({ selections }),
    ...extra,
  });
}

async function shown(count: number) {
  await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(count));
}

const count = () => screen.getByTestId('selection-count').textContent;

beforeEach(() => {
  navigate('playlists', { replace: true });
  setSession(sessionInfo('editor'));
  toasts.value = [];
});
afterEach(() => localStorage.clear());

describe('density', () => {
  it('switches to one line per playlist with the full name as a tooltip, and remembers it', async () => {
    serve();
    const { unmount } = render(<Page />);
    await shown(5);
    const table = screen.getByRole('table');
    expect(table.classList.contains('pt-compact')).toBe(false);
    expect(screen.getByRole('button', { name: 'Comfortable' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Compact' }));
    expect(screen.getByRole('table').classList.contains('pt-compact')).toBe(true);
    // With several accounts the tooltip names the account too (the second line is gone).
    expect(screen.getByRole('link', { name: 'Alpha Beats' }).getAttribute('title')).toBe(
      'Alpha Beats (Demo Pro)',
    );
    unmount();
    render(<Page />);
    await shown(5);
    expect(screen.getByRole('table').classList.contains('pt-compact')).toBe(true);
  });

  it('starts compact for more than 50 playlists until the user picks a density', async () => {
    serve(Array.from({ length: 51 }, (_, i) => playlist({ id: `m${i}`, name: `Mix ${i}` })));
    render(<Page />);
    await waitFor(() => expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('52'));
    expect(screen.getByRole('table').classList.contains('pt-compact')).toBe(true);
  });
});

describe('tag sidebar', () => {
  it('lists All, Untagged and every tag with its count, and filters by a click', async () => {
    serve();
    render(<Page />);
    await shown(5);
    const tags = screen.getByTestId('tag-list');
    const entries = within(tags)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(entries).toEqual(['All 5', 'Untagged 2', 'gym 2', 'summer 2']);
    fireEvent.click(within(tags).getByRole('button', { name: 'gym 2 playlists' }));
    await waitFor(() => expect(rowNames()).toEqual(['Alpha Beats', 'Delta Drive']));
    expect(location.value.search).toBe('tag=gym');
    expect(within(tags).getByRole('button', { name: /^gym/ }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    fireEvent.click(within(tags).getByRole('button', { name: /^Untagged/ }));
    await waitFor(() => expect(rowNames()).toEqual(['Charlie Chill', 'Echo Evening']));
    expect(location.value.search).toBe('untagged=1');
    fireEvent.click(within(tags).getByRole('button', { name: /^All/ }));
    await shown(5);
    expect(location.value.search).toBe('');
  });
});

describe('contains-track filter', () => {
  it('asks where the pasted track is once it is a URI or link, and keeps or drops those playlists', async () => {
    const { calls } = serve(playlists, {
      'GET api/where': json({
        uri: TRACK,
        track: null,
        playlists: ['p2', 'p4'].map((id) => ({
          account_id: 1,
          playlist_id: id,
          name: id,
          positions: [0],
          added_at: null,
          in_history_since: null,
          read_only_reason: null,
        })),
      }),
    });
    const whereCalls = () => calls.filter((c: Call) => c.url.pathname.endsWith('/api/where'));
    render(<Page />);
    await shown(5);
    const field = screen.getByLabelText('Track');
    fireEvent.input(field, { target: { value: 'not a track' } });
    expect(screen.getByText(/Paste a spotify:track: URI/)).toBeTruthy();
    fireEvent.input(field, {
      target: { value: 'https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=x' },
    });
    await waitFor(() => expect(rowNames()).toEqual(['Bravo Ballads', 'Delta Drive']));
    expect(whereCalls()).toHaveLength(1);
    expect(whereCalls()[0]!.url.searchParams.get('uri')).toBe(TRACK);
    expect(new URLSearchParams(location.value.search).get('track')).toBe(TRACK);
    expect(screen.getByTestId('track-status').textContent).toBe(
      '2 stored playlists hold the track.',
    );
    fireEvent.change(screen.getByLabelText('Track filter'), { target: { value: 'lacks' } });
    await waitFor(() =>
      expect(rowNames()).toEqual(['Alpha Beats', 'Charlie Chill', 'Echo Evening']),
    );
    expect(whereCalls()).toHaveLength(1);
  });
});

describe('selection', () => {
  it('survives a filter change, counting the selected playlists the filter hides', async () => {
    serve();
    render(<Page />);
    await shown(5);
    fireEvent.click(screen.getByLabelText('Select Alpha Beats'));
    fireEvent.click(screen.getByLabelText('Select Echo Evening'));
    expect(count()).toBe('2 selected');
    fireEvent.input(screen.getByLabelText('Search playlists'), { target: { value: 'alpha' } });
    await waitFor(() => expect(rowNames()).toEqual(['Alpha Beats']));
    expect(count()).toBe('2 selected (1 hidden by the filter)');
    fireEvent.input(screen.getByLabelText('Search playlists'), { target: { value: 'a' } });
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    fireEvent.click(screen.getByRole('button', { name: 'Select all 4 shown' }));
    expect(count()).toBe('5 selected (1 hidden by the filter)');
    fireEvent.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(screen.queryByTestId('selection-count')).toBeNull();
  });

  it('marks read-only playlists and leaves them out of a batch, saying why', async () => {
    serve();
    render(<Page />);
    await shown(5);
    const row = screen.getAllByTestId('playlist-row')[2]!;
    const mark = within(row).getByTestId('read-only');
    expect(mark.getAttribute('title')).toBe('Owned by Someone Else and not collaborative');
    expect(mark.textContent).toContain('Read-only: Owned by Someone Else and not collaborative');
    fireEvent.click(screen.getByLabelText('Select Bravo Ballads'));
    fireEvent.click(screen.getByLabelText('Select Charlie Chill'));
    expect(screen.getByTestId('selection-note').textContent).toBe(
      '1 read-only playlist will be left out: Owned by Someone Else and not collaborative',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Dedupe…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove duplicates from playlists' });
    expect(within(dialog).getByText('For 1 selected playlist.')).toBeTruthy();
  });

  it('disables the batch actions for a selection over several accounts', async () => {
    serve([...playlists, playlist({ id: 'q1', name: 'Foxtrot', account_id: 2 })]);
    render(<Page />);
    await shown(6);
    fireEvent.click(screen.getByLabelText('Select Alpha Beats'));
    expect(screen.getByRole('button', { name: 'Add tracks…' }).hasAttribute('disabled')).toBe(
      false,
    );
    fireEvent.click(screen.getByLabelText('Select Foxtrot'));
    for (const name of ['Add tracks…', 'Remove tracks…', 'Sort…', 'Find duplicates…'])
      expect(screen.getByRole('button', { name }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByTestId('selection-note').textContent).toContain(
      'Select playlists of one account',
    );
  });

  it('copies several playlists one create dialog after the other', async () => {
    serve(playlists, {
      'POST api/accounts/1/playlists': json({
        name: 'x',
        item_count: 10,
        duplicates_dropped: 0,
        local_files_skipped: 0,
      }),
    });
    render(<Page />);
    await shown(5);
    fireEvent.click(screen.getByLabelText('Select Alpha Beats'));
    fireEvent.click(screen.getByLabelText('Select Bravo Ballads'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy 2…' }));
    let dialog = await screen.findByRole('dialog', { name: 'Copy “Alpha Beats”' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    dialog = await screen.findByRole('dialog', { name: 'Copy “Bravo Ballads”' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});

describe('saved selections', () => {
  const saved: SavedSelection = {
    name: 'Gym set',
    account_id: 1,
    selector: 'p1,p4,gone',
    saved_at: '2026-03-01T10:00:00Z',
  };

  it('selects the playlists of a saved selection, noting the ones no longer stored', async () => {
    serve(playlists, {}, [saved]);
    render(<Page />);
    await shown(5);
    const list = await screen.findByTestId('saved-selections');
    fireEvent.click(within(list).getByRole('button', { name: 'Gym set' }));
    expect(count()).toBe('2 selected');
    expect(toasts.value.at(-1)!.text).toBe(
      '1 playlist of “Gym set” is no longer stored and was left out.',
    );
    expect((screen.getByLabelText('Select Delta Drive') as HTMLInputElement).checked).toBe(true);
  });

  it('saves the selected ids under a name, and deletes after a confirmation', async () => {
    let stored: SavedSelection[] = [];
    const { calls } = mockApi({
      'GET api/playlists': json({ playlists, total: 5 }),
      'GET api/accounts': json({ accounts: [account()] }),
      'GET api/selections': () => json({ selections: stored }),
      'PUT api/selections/Road%20set': (call) => {
        const body = call.body as { account_id: number; selector: string };
        stored = [{ name: 'Road set', saved_at: '2026-03-02T10:00:00Z', ...body }];
        return json(stored[0]);
      },
      'DELETE api/selections/Road%20set': () => {
        stored = [];
        return { status: 204 };
      },
    });
    render(<Page />);
    await shown(5);
    fireEvent.click(screen.getByLabelText('Select Bravo Ballads'));
    fireEvent.click(screen.getByLabelText('Select Echo Evening'));
    fireEvent.click(screen.getByRole('button', { name: 'Save selection…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save 2 playlists as a selection' });
    fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: ' Road set ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.body).toEqual({ account_id: 1, selector: 'p2,p5' });
    const list = await screen.findByTestId('saved-selections');
    expect(within(list).getByRole('button', { name: 'Road set' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Delete the saved selection Road set' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete the saved selection?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByTestId('saved-selections')).toBeNull());
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
  });
});
