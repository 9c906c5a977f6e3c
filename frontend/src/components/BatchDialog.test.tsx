import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobDetails } from '../api/client';
import { bus } from '../lib/events';
import { setSession } from '../lib/session';
import {
  batchEntry,
  batchPreview,
  job,
  matchedLine,
  paste,
  pasteLine,
  playlist,
  sessionInfo,
} from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { BatchDialog } from './BatchDialog';

const playlists = [
  playlist({ id: 'p1', name: 'Road Trip', track_count: 12 }),
  playlist({ id: 'p2', name: 'Focus' }),
  playlist({ id: 'p3', name: 'Theirs' }),
];

const preview = batchPreview({
  summary: 'add 1 track at position 3',
  entries: [
    batchEntry({ playlist_id: 'p1', name: 'Road Trip', added_count: 1, calls: 2 }),
    batchEntry({
      playlist_id: 'p2',
      name: 'Focus',
      status: 'unchanged',
      reason: 'already has it',
      calls: 0,
    }),
    batchEntry({
      playlist_id: 'p3',
      name: 'Theirs',
      status: 'refused',
      reason: 'owned by someone else',
      calls: 0,
    }),
  ],
  changed: 1,
  unchanged: 1,
  refused: 1,
  calls: 2,
  expected_seconds: 75,
  rate_budget: 120,
});

const item = (key: string, label: string, outcome: JobDetails['items'][number]['outcome']) => ({
  key,
  label,
  outcome,
  error: null,
  detail: '',
});

beforeEach(() => setSession(sessionInfo('editor')));

function open(kind: Parameters<typeof BatchDialog>[0]['kind'] = 'add') {
  const onClose = vi.fn();
  render(<BatchDialog accountId={1} playlists={playlists} kind={kind} onClose={onClose} />);
  return onClose;
}

describe('BatchDialog', () => {
  it('previews an add per playlist with the totals, then runs it with live results and cancel', async () => {
    let details: JobDetails = {
      job: job({ id: 'b1', kind: 'batch_edit', state: 'running', done: 0, total: 1 }),
      items: [item('p1', 'Road Trip', 'pending'), item('p2', 'Focus', 'unchanged')],
      history: [],
    };
    const { calls } = mockApi({
      'POST api/accounts/1/batch/preview': json(preview),
      'POST api/accounts/1/batch': () => json(details.job, 202),
      'GET api/jobs/b1': () => json(details),
      'POST api/jobs/b1/cancel': () => json({ ...details.job, cancel_requested: true }),
    });
    open('add');
    fireEvent.input(screen.getByLabelText('Track URIs or links'), {
      target: { value: 'https://open.spotify.com/track/new' },
    });
    fireEvent.change(screen.getByLabelText('Add at'), { target: { value: 'position' } });
    fireEvent.input(screen.getByLabelText('Position (from 1)'), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));

    const table = await waitFor(() => screen.getByTestId('batch-preview-table'));
    const sent = calls.find((c) => c.url.pathname.endsWith('/batch/preview'))!;
    expect(sent.body).toEqual({
      playlist_ids: ['p1', 'p2', 'p3'],
      operation: { kind: 'add', uris: ['spotify:track:new'], at: 'position', position: 2 },
    });
    const rows = within(table).getAllByTestId('batch-entry');
    expect(rows.map((r) => r.getAttribute('data-status'))).toEqual([
      'change',
      'unchanged',
      'refused',
    ]);
    expect(rows[2]!.textContent).toContain('owned by someone else');
    const totals = screen.getByTestId('batch-totals').textContent;
    expect(totals).toContain('1 playlist changes, 1 unchanged, 1 refused');
    expect(totals).toContain('about 75 s');
    expect(totals).toContain('120 calls per 30 s');

    fireEvent.click(screen.getByRole('button', { name: 'Run on 1 playlist' }));
    await waitFor(() => expect(screen.getByTestId('batch-job')).toBeTruthy());
    expect(calls.filter((c) => c.url.pathname.endsWith('/batch'))[0]!.body).toEqual(sent.body);
    await waitFor(() =>
      expect(screen.getAllByTestId('batch-result').map((r) => r.textContent)).toEqual([
        expect.stringContaining('Waiting'),
        expect.stringContaining('Unchanged'),
      ]),
    );

    // A job event moves the bar at once; the results follow with the re-read.
    details = {
      ...details,
      job: { ...details.job, done: 1, total: 2 },
      items: [item('p1', 'Road Trip', 'done'), item('p2', 'Focus', 'unchanged')],
    };
    bus.emit('job', details.job);
    await waitFor(() =>
      expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50'),
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('batch-result')[0]!.getAttribute('data-outcome')).toBe('done'),
    );

    fireEvent.click(screen.getByRole('button', { name: /^Cancel the batch edit/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel the job' }));
    await waitFor(() =>
      expect(calls.some((c) => c.url.pathname === '/api/jobs/b1/cancel')).toBe(true),
    );
    details = {
      ...details,
      job: { ...details.job, state: 'cancelled', finished_at: '2026-03-01T10:01:00Z' },
      items: [item('p1', 'Road Trip', 'done'), item('p2', 'Focus', 'pending')],
    };
    bus.emit('job', details.job);
    await waitFor(() =>
      expect(screen.getByTestId('batch-result-counts').textContent).toBe('1 changed, 1 not run'),
    );
    expect(screen.getAllByTestId('batch-result')[1]!.textContent).toContain('Not run');
    expect(screen.getByRole('link', { name: 'Open the job’s page' }).getAttribute('href')).toBe(
      '/jobs/b1',
    );
  });

  it('undoes a finished batch after showing what the undo does', async () => {
    const done: JobDetails = {
      job: job({ id: 'b2', kind: 'batch_edit', state: 'succeeded', done: 1, total: 1 }),
      items: [item('p1', 'Road Trip', 'done')],
      history: [],
    };
    const undo: JobDetails = {
      job: job({ id: 'u1', kind: 'batch_edit', state: 'queued', done: 0, total: 1 }),
      items: [item('p1', 'Road Trip', 'pending')],
      history: [],
    };
    const { calls } = mockApi({
      'POST api/accounts/1/batch/preview': json(batchPreview({ entries: [batchEntry()] })),
      'POST api/accounts/1/batch': json(done.job, 202),
      'GET api/jobs/b2': json(done),
      'GET api/jobs/u1': json(undo),
      'POST api/jobs/b2/undo': (call) =>
        (call.body as { dry_run: boolean }).dry_run
          ? json(
              batchPreview({
                summary: 'undo the batch',
                entries: [batchEntry({ removed_count: 1, added_count: 0 })],
              }),
            )
          : json(undo.job, 202),
    });
    open('dedupe');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Run on 1 playlist' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Undo the batch' }));
    const undoPreview = await screen.findByTestId('undo-preview');
    await waitFor(() => expect(within(undoPreview).getByText('undo the batch')).toBeTruthy());
    expect(calls.filter((c) => c.url.pathname === '/api/jobs/b2/undo').map((c) => c.body)).toEqual([
      { dry_run: true },
    ]);
    fireEvent.click(within(undoPreview).getByRole('button', { name: 'Undo 1 playlist' }));
    await waitFor(() =>
      expect(screen.getByRole('link', { name: 'Open the job’s page' }).getAttribute('href')).toBe(
        '/jobs/u1',
      ),
    );
    expect(calls.filter((c) => c.url.pathname === '/api/jobs/b2/undo').map((c) => c.body)).toEqual([
      { dry_run: true },
      { dry_run: false },
    ]);
  });

  it('removes tracks picked from the search, sending their URIs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const found = {
      uri: 'spotify:track:found',
      name: 'Found Song',
      artists: ['Band'],
      album: 'LP',
      album_image_url: '',
      duration_ms: 1000,
      release_date: '',
    };
    const { calls } = mockApi({
      'GET api/accounts/1/search': json({ tracks: [found], offset: 0, total: 1, has_more: false }),
      'POST api/accounts/1/batch/preview': json(batchPreview()),
    });
    open('remove');
    // No place to choose: the batch's form says where tracks go.
    expect(screen.queryByLabelText('Add at', { selector: '#add-where' })).toBeNull();
    fireEvent.input(screen.getByLabelText('Search Spotify for tracks'), {
      target: { value: 'found' },
    });
    vi.advanceTimersByTime(300);
    vi.useRealTimers();
    fireEvent.click(await screen.findByRole('button', { name: 'Pick Found Song by Band' }));
    expect(
      within(screen.getByRole('list', { name: 'Tracks picked' })).getByText('Found Song'),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByTestId('batch-preview-table');
    expect(calls.find((c) => c.url.pathname.endsWith('/batch/preview'))!.body).toEqual({
      playlist_ids: ['p1', 'p2', 'p3'],
      operation: { kind: 'remove', uris: ['spotify:track:found'] },
    });
  });

  it('matches pasted lines and feeds the tracks to the add, previewed as usual', async () => {
    const lines = [
      matchedLine(1, 'a', 1),
      pasteLine(2, { status: 'not_found', seq: 2 }),
      matchedLine(3, 'b', 3),
    ];
    const { calls } = mockApi({
      'POST api/accounts/1/pastes': json(paste(lines), 202),
      'GET api/pastes/paste-1': json(paste([], { seq: 3, line_count: 3 })),
      'GET api/jobs/job-paste': json({
        job: job({ id: 'job-paste', kind: 'match_paste', state: 'succeeded', unit: 'lines' }),
        items: [],
        history: [],
      }),
      'POST api/accounts/1/batch/preview': json(preview),
    });
    open('add');
    fireEvent.click(screen.getByRole('button', { name: 'Match pasted lines…' }));
    fireEvent.input(await screen.findByLabelText('Lines to match, one track per line'), {
      target: { value: 'Band - Song a\nnothing\nBand - Song b' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Match' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Use 2 tracks in the batch' }));
    const picked = await screen.findByRole('list', { name: 'Tracks picked' });
    expect(
      within(picked)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Song a — Band Drop', 'Song b — Band Drop']);
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByTestId('batch-preview');
    expect(calls.at(-1)!.body).toMatchObject({
      playlist_ids: ['p1', 'p2', 'p3'],
      operation: { kind: 'add', uris: ['spotify:track:a', 'spotify:track:b'], at: 'bottom' },
    });
  });

  it('shows a live example of a rename template on the first playlist', () => {
    mockApi({});
    open('rename');
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: '{name} ({count})' } });
    expect(screen.getByTestId('rename-example').textContent).toContain(
      '“Road Trip” becomes “Road Trip (12)”',
    );
  });

  it('keeps Preview disabled until the form is complete, saying why', () => {
    mockApi({});
    open('replace');
    expect((screen.getByRole('button', { name: 'Preview' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    expect(screen.getByText('Give the track to replace and its replacement.')).toBeTruthy();
  });

  it('lists duplicates across and within playlists, and leads to the dedupe of those that have copies', async () => {
    const { calls } = mockApi({
      'POST api/accounts/1/duplicates': json({
        across: [
          {
            uri: 'spotify:track:a',
            track: {
              uri: 'spotify:track:a',
              name: 'Song A',
              artists: ['X'],
              album: '',
              album_image_url: '',
              duration_ms: 1,
              release_date: '',
            },
            playlists: [
              { playlist_id: 'p1', copies: 2 },
              { playlist_id: 'p2', copies: 1 },
            ],
          },
        ],
        within: [{ playlist_id: 'p1', uri: 'spotify:track:a', track: null, positions: [0, 4] }],
      }),
      'POST api/accounts/1/batch/preview': json(batchPreview()),
    });
    open('duplicates');
    const across = await screen.findByTestId('duplicates-across');
    expect(across.textContent).toContain('Song A — X');
    expect(across.textContent).toContain('Road Trip, Focus');
    expect(screen.getByTestId('duplicates-within').textContent).toContain('1, 5');
    fireEvent.click(screen.getByRole('button', { name: 'Dedupe these playlists (1)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByTestId('batch-preview-table');
    expect(calls.find((c) => c.url.pathname.endsWith('/batch/preview'))!.body).toEqual({
      playlist_ids: ['p1'],
      operation: { kind: 'dedupe', keep: 'first' },
    });
  });
});
