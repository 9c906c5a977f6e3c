import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobDetails, TrackWhere } from '../api/client';
import { navigate } from '../lib/router';
import { setSession } from '../lib/session';
import { account, batchEntry, batchPreview, job, playlist, sessionInfo } from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { WherePage } from './WherePage';

const where: TrackWhere = {
  uri: 'spotify:track:t',
  track: {
    uri: 'spotify:track:t',
    name: 'Song',
    artists: ['Band'],
    album: 'LP',
    album_image_url: '',
    duration_ms: 1000,
    release_date: '',
  },
  playlists: [
    {
      account_id: 1,
      playlist_id: 'held',
      name: 'Held',
      positions: [0, 4],
      added_at: '2026-01-05T00:00:00Z',
      in_history_since: '2026-01-06T00:00:00Z',
      read_only_reason: null,
    },
  ],
};

beforeEach(() => {
  navigate('where?uri=spotify%3Atrack%3At', { replace: true });
  setSession(sessionInfo('editor'));
});

describe('WherePage', () => {
  it('lists the holders with 1-based positions and applies the toggles as one batch, previewed first', async () => {
    const started: JobDetails = {
      job: job({ id: 'w1', kind: 'batch_edit', state: 'succeeded', done: 2, total: 2 }),
      items: [
        { key: 'other', label: 'Other', outcome: 'done', error: null, detail: '' },
        { key: 'held', label: 'Held', outcome: 'done', error: null, detail: '' },
      ],
      history: [],
    };
    const { calls } = mockApi({
      'GET api/where': json(where),
      'GET api/accounts': json({ accounts: [account()] }),
      'GET api/playlists': json({
        playlists: [
          playlist({ id: 'held', name: 'Held' }),
          playlist({ id: 'other', name: 'Other' }),
          playlist({ id: 'ro', name: 'Followed', read_only_reason: 'owned by someone else' }),
        ],
        total: 3,
      }),
      'POST api/accounts/1/batch/preview': json(
        batchPreview({
          entries: [
            batchEntry({ playlist_id: 'other', name: 'Other' }),
            batchEntry({ playlist_id: 'held', name: 'Held', added_count: 0, removed_count: 2 }),
          ],
          changed: 2,
        }),
      ),
      'POST api/accounts/1/batch': json(started.job, 202),
      'GET api/jobs/w1': json(started),
    });
    render(<WherePage search="uri=spotify%3Atrack%3At" />);
    const table = await screen.findByTestId('where-table');
    const rows = within(table).getAllByTestId('where-row');
    expect(rows.map((r) => r.getAttribute('data-holds'))).toEqual(['yes', 'no']);
    expect(rows[0]!.textContent).toContain('1, 5');
    expect(calls.find((c) => c.url.pathname === '/api/where')!.url.searchParams.get('uri')).toBe(
      'spotify:track:t',
    );

    fireEvent.click(screen.getByLabelText('Held holds it'));
    fireEvent.click(screen.getByLabelText('Other holds it'));
    fireEvent.click(screen.getByRole('button', { name: 'Apply (add to 1, remove from 1)' }));
    await screen.findByTestId('batch-preview-table');
    const body = {
      playlist_ids: ['other'],
      operation: { kind: 'add', uris: ['spotify:track:t'], at: 'bottom', tracks: [where.track] },
      more: [{ playlist_ids: ['held'], operation: { kind: 'remove', uris: ['spotify:track:t'] } }],
    };
    expect(calls.find((c) => c.url.pathname.endsWith('/batch/preview'))!.body).toEqual(body);
    fireEvent.click(screen.getByRole('button', { name: 'Run on 2 playlists' }));
    await waitFor(() =>
      expect(screen.getByTestId('batch-result-counts').textContent).toBe('2 changed'),
    );
    expect(calls.filter((c) => c.url.pathname === '/api/accounts/1/batch')[0]!.body).toEqual(body);
  });

  it('finds a track from a pasted link', async () => {
    mockApi({});
    render(<WherePage search="" />);
    fireEvent.input(screen.getByLabelText('Track URI or link'), {
      target: { value: 'https://open.spotify.com/track/abc?si=1' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Find' }));
    await waitFor(() => expect(window.location.search).toBe('?uri=spotify%3Atrack%3Aabc'));
  });
});

describe('WherePage with many playlists', () => {
  it('renders the holders and a hundred others at a time; the filter finds any of them', async () => {
    const others = Array.from({ length: 130 }, (_, i) =>
      playlist({ id: `o${i}`, name: `Other ${String(i).padStart(3, '0')}` }),
    );
    mockApi({
      'GET api/where': json(where),
      'GET api/accounts': json({ accounts: [account()] }),
      'GET api/playlists': json({
        playlists: [playlist({ id: 'held', name: 'Held' }), ...others],
        total: 131,
      }),
    });
    render(<WherePage search="uri=spotify%3Atrack%3At" />);
    const rows = () => screen.getAllByTestId('where-row');
    await waitFor(() => expect(rows()).toHaveLength(100));
    expect(rows()[0]!.getAttribute('data-holds')).toBe('yes');
    fireEvent.click(screen.getByRole('button', { name: 'Show 31 more' }));
    expect(rows()).toHaveLength(131);
    expect(screen.queryByTestId('show-more')).toBeNull();
    // A filter starts again from the first hundred, and finds one past them.
    fireEvent.input(screen.getByLabelText('Filter the other playlists'), {
      target: { value: 'Other 12' },
    });
    await waitFor(() => expect(rows()).toHaveLength(11)); // Held, Other 120-129
  });
});
