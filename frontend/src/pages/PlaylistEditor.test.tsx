// The editor on the playlist page against a fake server: moves shown at once and confirmed by the
// job's end, rolled back on a conflict, removals previewed first with an Undo after.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PlaylistItem } from '../api/client';
import { bus } from '../lib/events';
import { jobs } from '../lib/jobs';
import { setSession } from '../lib/session';
import { toasts } from '../lib/toast';
import {
  editPreview,
  items,
  job,
  matchedLine,
  paste,
  playlist,
  sessionInfo,
} from '../test/fixtures';
import { json, mockApi, type Call } from '../test/server';
import { PlaylistPage } from './PlaylistPage';

const BASE = 'api/accounts/1/playlists/p1';

function titles(): string[] {
  return screen
    .getAllByRole('row')
    .slice(1)
    .map((r) => r.querySelector('.tt-title')!.textContent!);
}

const header = (name: string) =>
  screen.getByRole('button', { name: new RegExp(`^${name}`) }).closest('[role=columnheader]')!;

let stored: PlaylistItem[];
let snapshot: string;
function server(extra: Record<string, Parameters<typeof mockApi>[0][string]> = {}) {
  return mockApi({
    [`GET ${BASE}`]: json(playlist({ id: 'p1', name: 'Mix', owned: true })),
    [`GET ${BASE}/items`]: () =>
      json({ items: stored, total: stored.length, snapshot_id: snapshot }),
    [`POST ${BASE}/edits`]: (call: Call) =>
      json(
        job({
          id: `edit-${(call.body as { kind: string }).kind}`,
          kind: 'edit_playlist',
          playlist_id: 'p1',
          state: 'queued',
        }),
        202,
      ),
    ...extra,
  });
}

function finish(
  id: string,
  state: 'succeeded' | 'failed',
  error: { code: string; message: string } | null = null,
) {
  bus.emit('job', job({ id, kind: 'edit_playlist', playlist_id: 'p1', state, error }));
}

beforeEach(() => {
  setSession(sessionInfo('editor'));
  stored = items(5);
  snapshot = 's1';
  jobs.value = new Map();
  toasts.value = [];
});

describe('the playlist editor', () => {
  it('moves the selection down with Alt+ArrowDown, shows it pending, and confirms it', async () => {
    const { calls } = server();
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    const table = await screen.findByRole('grid', { name: 'Tracks of Mix' });
    expect(screen.getByRole('group', { name: 'Edit the playlist' })).toBeTruthy();
    fireEvent.click(screen.getByText('Track 2'));
    expect(screen.getByTestId('selection-count').textContent).toBe('1 track selected');
    fireEvent.keyDown(table, { key: 'ArrowDown', altKey: true });

    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.url.pathname).toBe(`/${BASE}/edits`);
    expect(post.body).toEqual({
      kind: 'move',
      planned_snapshot: 's1',
      items: [{ uri: 'spotify:track:t1', position: 1 }],
      placement: { kind: 'before', before: { uri: 'spotify:track:t3', position: 3 } },
    });
    // Shown at once, pending, and the table does not take another move meanwhile.
    expect(titles()).toEqual(['Track 1', 'Track 3', 'Track 2', 'Track 4', 'Track 5']);
    expect(screen.getByText('Track 2').closest('[role=row]')!.className).toContain('tt-pending');
    expect(table.getAttribute('aria-busy')).toBe('true');

    const before = stored;
    stored = [before[0]!, before[2]!, before[1]!, before[3]!, before[4]!].map((it, i) => ({
      ...it,
      position: i,
    }));
    snapshot = 's2';
    finish('edit-move', 'succeeded');
    await waitFor(() =>
      expect(screen.getByTestId('edit-status').textContent).toBe('Moved 1 track to position 3.'),
    );
    expect(titles()).toEqual(['Track 1', 'Track 3', 'Track 2', 'Track 4', 'Track 5']);
    expect(document.querySelector('.tt-pending')).toBeNull();
    // The moved track stays selected at its new place.
    expect(screen.getByText('Track 2').closest('[role=row]')!.getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(toasts.value.at(-1)?.text).toBe('Moved 1 track to position 3.');
  });

  it('rolls a move back when the job fails with a conflict, and offers to reload', async () => {
    const { calls } = server();
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    const table = await screen.findByRole('grid');
    fireEvent.click(screen.getByText('Track 1'));
    fireEvent.click(screen.getByText('Track 3'), { ctrlKey: true });
    fireEvent.keyDown(table, { key: 'ArrowDown', altKey: true });
    await waitFor(() =>
      expect(titles()).toEqual(['Track 2', 'Track 4', 'Track 1', 'Track 3', 'Track 5']),
    );
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({
      items: [
        { uri: 'spotify:track:t0', position: 0 },
        { uri: 'spotify:track:t2', position: 2 },
      ],
      placement: { kind: 'before', before: { uri: 'spotify:track:t4', position: 4 } },
    });

    finish('edit-move', 'failed', { code: 'conflict', message: 'Track 3 was removed.' });
    await waitFor(() =>
      expect(titles()).toEqual(['Track 1', 'Track 2', 'Track 3', 'Track 4', 'Track 5']),
    );
    const notice = toasts.value.at(-1)!;
    expect(notice.kind).toBe('error');
    expect(notice.text).toContain('changed on Spotify');
    expect(notice.text).toContain('Track 3 was removed.');
    const reads = () => calls.filter((c) => c.url.pathname === `/${BASE}/items`).length;
    const before = reads();
    notice.action!.run();
    await waitFor(() => expect(reads()).toBe(before + 1));
  });

  it('previews a removal, then offers Undo of the version it made', async () => {
    const { calls } = server({
      [`POST ${BASE}/edits/preview`]: json(
        editPreview({
          desired: ['t0', 't2', 't3', 't4'].map((t) => `spotify:track:${t}`),
          removed: [{ uri: 'spotify:track:t1', position: 1 }],
        }),
      ),
      [`GET ${BASE}/history`]: json({
        versions: [{ version: 7 }],
        next_before: null,
      }),
    });
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    const table = await screen.findByRole('grid');
    fireEvent.click(screen.getByText('Track 2'));
    fireEvent.keyDown(table, { key: 'Delete' });
    const dialog = await screen.findByRole('dialog', { name: 'Remove 1 track' });
    const confirm = await within(dialog).findByRole('button', { name: 'Remove 1 track' });
    expect(
      within(within(dialog).getByRole('list', { name: 'Tracks removed' })).getByText(/Track 2/),
    ).toBeTruthy();
    expect(calls.find((c) => c.url.pathname.endsWith('/preview'))!.body).toEqual({
      kind: 'remove',
      planned_snapshot: 's1',
      items: [{ uri: 'spotify:track:t1', position: 1 }],
    });
    fireEvent.click(confirm);
    await waitFor(() => expect(titles()).toEqual(['Track 1', 'Track 3', 'Track 4', 'Track 5']));

    stored = stored.filter((_, i) => i !== 1).map((it, i) => ({ ...it, position: i }));
    snapshot = 's2';
    finish('edit-remove', 'succeeded');
    await waitFor(() => expect(toasts.value.at(-1)?.action?.label).toBe('Undo'));
    expect(toasts.value.at(-1)!.text).toBe('Removed 1 track.');
    const undo = toasts.value.at(-1)!;
    undo.action!.run();
    expect(toasts.value.includes(undo)).toBe(false);
    await waitFor(() =>
      expect(
        calls.filter((c) => c.method === 'POST' && c.url.pathname.endsWith('/edits')).at(-1)!.body,
      ).toEqual({ kind: 'undo', version: 7, planned_snapshot: 's2' }),
    );
  });

  it('checks the details in the browser and sends only what changed', async () => {
    const { calls } = server();
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit details…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit details' });
    const save = within(dialog).getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet
    fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'x'.repeat(201) } });
    expect(within(dialog).getByRole('alert').textContent).toContain('At most 200 characters');
    expect(save.disabled).toBe(true);
    fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'Road trip' } });
    fireEvent.input(within(dialog).getByLabelText('Description'), {
      target: { value: 'two\nlines' },
    });
    expect(within(dialog).getByRole('alert').textContent).toContain('line breaks');
    fireEvent.input(within(dialog).getByLabelText('Description'), {
      target: { value: 'For the car' },
    });
    const collaborative = within(dialog).getByLabelText('Collaborative') as HTMLInputElement;
    expect(collaborative.disabled).toBe(true); // public
    fireEvent.click(within(dialog).getByLabelText('Private'));
    fireEvent.click(collaborative);
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'c.png', {
      type: 'image/png',
    });
    fireEvent.change(within(dialog).getByLabelText(/New cover/), { target: { files: [png] } });
    await within(dialog).findByText('The cover must be a JPEG image.');
    expect(save.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText(/New cover/), { target: { files: [] } });
    await waitFor(() => expect(save.disabled).toBe(false));
    fireEvent.click(save);
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      kind: 'details',
      planned_snapshot: 's1',
      details: {
        name: 'Road trip',
        description: 'For the car',
        public: false,
        collaborative: true,
      },
    });
  });

  it('unfollows after a confirmation that names the playlist', async () => {
    const { calls } = server({
      [`DELETE ${BASE}`]: json(job({ id: 'd1', kind: 'delete_playlist', state: 'queued' }), 202),
    });
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Unfollow…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unfollow “Mix”?' });
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Unfollow' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
  });

  it('previews a split by size and creates the parts', async () => {
    const { calls } = server({
      [`POST ${BASE}/split`]: (call: Call) =>
        (call.body as { dry_run: boolean }).dry_run
          ? json({
              parts: [
                { name: 'Mix (1)', item_count: 3 },
                { name: 'Mix (2)', item_count: 2 },
              ],
              local_files_skipped: 0,
            })
          : json(job({ id: 's1', kind: 'split_playlist', state: 'queued' }), 202),
    });
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Split…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Split “Mix”' });
    fireEvent.input(within(dialog).getByLabelText('Tracks per playlist'), {
      target: { value: '3' },
    });
    await within(dialog).findByText('Mix (2) — 2 tracks');
    expect(calls.at(-1)!.body).toEqual({
      by: 'size',
      size: 3,
      name_template: '{name} ({part})',
      dry_run: true,
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create 2 playlists' }));
    await waitFor(() => expect(calls.at(-1)!.body).toMatchObject({ dry_run: false, size: 3 }));
  });

  it('adds the tracks of a paste at a position, through the preview', async () => {
    const lines = [matchedLine(1, 'a', 1), matchedLine(2, 'b', 2)];
    const { calls } = server({
      'POST api/accounts/1/pastes': json(paste(lines), 202),
      'GET api/pastes/paste-1': json(paste([], { seq: 2, line_count: 2 })),
      'GET api/jobs/job-paste': json({
        job: job({ id: 'job-paste', kind: 'match_paste', state: 'succeeded', unit: 'lines' }),
        items: [],
        history: [],
      }),
      [`POST ${BASE}/edits/preview`]: json(
        editPreview({
          added: [
            { uri: 'spotify:track:a', position: 1 },
            { uri: 'spotify:track:b', position: 2 },
          ],
        }),
      ),
    });
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add from text…' }));
    fireEvent.input(await screen.findByLabelText('Lines to match, one track per line'), {
      target: { value: 'Band - Song a\nBand - Song b' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Match' }));
    const add = await screen.findByRole('button', { name: 'Add 2 tracks…' });
    fireEvent.change(screen.getByLabelText('Add at', { selector: '#paste-add-where' }), {
      target: { value: 'position' },
    });
    fireEvent.input(
      screen.getByLabelText('Position (1 to 6)', { selector: '#paste-add-position' }),
      {
        target: { value: '2' },
      },
    );
    fireEvent.click(add);
    const dialog = await screen.findByRole('dialog', { name: 'Add 2 tracks from the paste' });
    const request = {
      kind: 'add',
      planned_snapshot: 's1',
      uris: ['spotify:track:a', 'spotify:track:b'],
      tracks: [lines[0]!.track, lines[1]!.track],
      placement: { kind: 'before', before: { uri: 'spotify:track:t1', position: 1 } },
    };
    await waitFor(() => expect(calls.at(-1)!.url.pathname).toBe(`/${BASE}/edits/preview`));
    expect(calls.at(-1)!.body).toEqual(request);
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Add 2 tracks' }));
    await waitFor(() => expect(calls.at(-1)!.url.pathname).toBe(`/${BASE}/edits`));
    expect(calls.at(-1)!.body).toEqual(request);
    // Shown at once, pending, where they go.
    const table = screen.getByRole('grid', { name: 'Tracks of Mix' });
    const shown = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.querySelector('.tt-title')!.textContent);
    expect(shown.slice(0, 4)).toEqual(['Track 1', 'Song a', 'Song b', 'Track 2']);
    finish('edit-add', 'succeeded');
    await waitFor(() =>
      expect(screen.getByTestId('edit-status').textContent).toBe('Added 2 tracks.'),
    );
  });

  it('sorts as a view: drag and drop off, and "Apply this order" previewed as the shown list', async () => {
    stored = items(4).map((item, i) => ({
      ...item,
      name: ['Delta', 'alpha', 'Charlie', 'Bravo'][i]!,
    }));
    stored[3] = { ...stored[3]!, uri: stored[1]!.uri }; // a second copy of alpha's track
    const { calls } = server({
      [`POST ${BASE}/edits/preview`]: json(
        editPreview({
          desired: [1, 3, 2, 0].map((i) => stored[i]!.uri),
          moved: [{ uri: stored[0]!.uri, from: 0, to: 3 }],
        }),
      ),
    });
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    await screen.findByRole('grid', { name: 'Tracks of Mix' });
    expect(screen.getByRole('link', { name: 'Open Mix in Spotify' }).getAttribute('href')).toBe(
      'https://open.spotify.com/playlist/p1',
    );

    fireEvent.click(screen.getByText('Charlie'));
    expect(screen.getByRole('button', { name: 'Remove…' }).hasAttribute('disabled')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: /^Title/ }));
    expect(titles()).toEqual(['alpha', 'Bravo', 'Charlie', 'Delta']);
    // nothing acts on a selection the view does not show as one
    for (const name of ['Remove…', 'Move to position…'])
      expect(screen.getByRole('button', { name }).hasAttribute('disabled')).toBe(true);
    // a view: no grid to drag in, and the bar says why
    expect(screen.queryByRole('grid')).toBeNull();
    expect(screen.getByTestId('selection-count').textContent).toBe('Sorted by title, ascending');
    expect(screen.getByTestId('sort-hint').textContent).toMatch(/drag and drop is off/);
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    // flags narrow the sorted view, with their counts; the text filter combines with them
    const duplicates = screen.getByRole('button', { name: 'Duplicates 2' });
    expect(screen.getByRole('button', { name: 'Local files 0' }).hasAttribute('disabled')).toBe(
      true,
    );
    fireEvent.click(duplicates);
    expect(duplicates.getAttribute('aria-pressed')).toBe('true');
    expect(titles()).toEqual(['alpha', 'Bravo']);
    expect(screen.getByTestId('track-count').textContent).toBe('2 of 4 tracks');
    fireEvent.input(screen.getByLabelText('Filter tracks'), { target: { value: 'brav' } });
    expect(titles()).toEqual(['Bravo']);

    // the whole playlist in the shown order, not only the filtered rows
    fireEvent.click(screen.getByRole('button', { name: 'Apply this order…' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Apply this order (title, ascending)',
    });
    expect(calls.find((c) => c.url.pathname.endsWith('/preview'))!.body).toEqual({
      kind: 'set_list',
      planned_snapshot: 's1',
      uris: [1, 3, 2, 0].map((i) => stored[i]!.uri),
    });
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Reorder: move 1 track' }));
    await waitFor(() =>
      expect(calls.find((c) => c.url.pathname.endsWith('/edits'))!.body).toMatchObject({
        kind: 'set_list',
      }),
    );
    // back in the playlist's own order, which now is the sorted one
    expect(header('# position').getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(duplicates);
    fireEvent.input(screen.getByLabelText('Filter tracks'), { target: { value: '' } });
    expect(titles()).toEqual(['alpha', 'Bravo', 'Charlie', 'Delta']);
  });

  it('shows no edit controls to a viewer', async () => {
    setSession(sessionInfo('viewer'));
    server();
    render(<PlaylistPage accountId={1} playlistId="p1" />);
    await screen.findByRole('table', { name: 'Tracks of Mix' });
    expect(screen.queryByRole('group', { name: 'Edit the playlist' })).toBeNull();
    expect(screen.queryByRole('grid')).toBeNull();
    for (const name of ['Edit details…', 'Copy…', 'Split…', 'Unfollow…'])
      expect(screen.queryByRole('button', { name })).toBeNull();
  });
});
