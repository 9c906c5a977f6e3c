import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobDetails } from '../api/client';
import { account, batchEntry, batchPreview, job, sessionInfo } from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { bus } from '../lib/events';
import { navigate } from '../lib/router';
import { setSession } from '../lib/session';
import { JobPage } from './JobPage';

const finished: JobDetails = {
  job: job({
    id: 'j7',
    state: 'succeeded',
    done: 3,
    total: 3,
    message: '3 playlists read, 1 failed',
    attempts: 2,
    finished_at: '2026-03-01T10:05:00Z',
    api: { calls: 120, check_reads: 4, retries: 2, rate_limited: 1, waited_ms: 3000 },
  }),
  items: [
    { key: 'p1', label: 'Road Trip', outcome: 'done', error: null, detail: '120 tracks' },
    { key: 'p2', label: 'Focus', outcome: 'unchanged', error: null, detail: 'same snapshot' },
    {
      key: 'p3',
      label: 'Old Mix',
      outcome: 'failed',
      error: { code: 'spotify_error', message: 'Spotify answered 502', retry_at: null },
      detail: '',
    },
  ],
  history: [
    { at: '2026-03-01T10:00:00Z', kind: 'enqueued', message: '' },
    { at: '2026-03-01T10:00:01Z', kind: 'started', message: '' },
    { at: '2026-03-01T10:02:00Z', kind: 'interrupted', message: 'the server stopped' },
    { at: '2026-03-01T10:03:10Z', kind: 'resumed', message: 'attempt 2' },
    { at: '2026-03-01T10:05:00Z', kind: 'succeeded', message: '' },
  ],
};

beforeEach(() => {
  navigate('jobs/j7', { replace: true });
  setSession(sessionInfo('editor'));
});

function serve(details: JobDetails, extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    [`GET api/jobs/${details.job.id}`]: json(details),
    'GET api/accounts': json({ accounts: [account({ id: 1, display_name: 'Demo Pro' })] }),
    ...extra,
  });
}

describe('JobPage', () => {
  it('shows the per-item results with outcome and error, and the Spotify calls', async () => {
    serve(finished);
    render(<JobPage jobId="j7" />);
    await waitFor(() => expect(screen.getAllByTestId('job-item')).toHaveLength(3));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sync of an account');
    await waitFor(() => expect(screen.getByText('Demo Pro')).toBeTruthy());
    expect(within(screen.getByTestId('job-status')).getByText('Succeeded')).toBeTruthy();
    expect(screen.getByTestId('job-outcomes').textContent).toBe('1 done, 1 unchanged, 1 failed');
    const failedRow = screen.getAllByTestId('job-item')[2]!;
    expect(within(failedRow).getByText('Failed')).toBeTruthy();
    expect(failedRow.textContent).toContain('Spotify answered 502');
    expect(failedRow.textContent).toContain('spotify_error');
    expect(within(failedRow).getByRole('link', { name: 'Old Mix' }).getAttribute('href')).toBe(
      '/playlists/1/p3',
    );
    const calls = screen.getByRole('heading', { name: 'Spotify calls' }).parentElement!;
    const fact = (term: string) => within(calls).getByText(term).nextElementSibling?.textContent;
    expect(fact('Calls')).toBe('120');
    expect(fact('Check reads')).toBe('4');
    expect(fact('Rate limited')).toBe('1');
    expect(fact('Waited')).toBe('3 seconds');
    // No cancel for a finished job.
    expect(screen.queryByRole('button', { name: /Cancel/ })).toBeNull();
  });

  it('shows the history with times, interruption and resumption included', async () => {
    serve(finished);
    render(<JobPage jobId="j7" />);
    const table = await waitFor(() => screen.getByTestId('job-history'));
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual([
      'Queued',
      'Started',
      'Interrupted',
      'Resumed',
      'Succeeded',
    ]);
    expect(rows[2]!.textContent).toContain('the server stopped');
    expect(rows[2]!.querySelector('time')!.getAttribute('dateTime')).toBe('2026-03-01T10:02:00Z');
    expect(rows[2]!.querySelector('time')!.textContent).toMatch(/:02:00/);
  });

  it('filters the items down to the problems', async () => {
    serve(finished);
    render(<JobPage jobId="j7" />);
    await waitFor(() => expect(screen.getAllByTestId('job-item')).toHaveLength(3));
    fireEvent.click(screen.getByLabelText('Only failures and conflicts'));
    expect(screen.getAllByTestId('job-item').map((r) => r.textContent)).toEqual([
      expect.stringContaining('Old Mix'),
    ]);
  });

  it('moves a running job live, re-reads its items, and cancels it after asking', async () => {
    let details: JobDetails = {
      job: job({ id: 'j8', state: 'running', done: 1, total: 4 }),
      items: [],
      history: [{ at: '2026-03-01T10:00:00Z', kind: 'enqueued', message: '' }],
    };
    const { calls } = mockApi({
      'GET api/jobs/j8': () => json(details),
      'GET api/accounts': json({ accounts: [account()] }),
      'POST api/jobs/j8/cancel': () => json({ ...details.job, cancel_requested: true }),
    });
    render(<JobPage jobId="j8" />);
    await waitFor(() => expect(screen.getByText('No item has finished yet.')).toBeTruthy());
    details = {
      ...details,
      job: { ...details.job, done: 2 },
      items: [{ key: 'p1', label: 'Road Trip', outcome: 'done', error: null, detail: '' }],
    };
    bus.emit('job', details.job);
    await waitFor(() =>
      expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50'),
    );
    await waitFor(() => expect(screen.getAllByTestId('job-item')).toHaveLength(1));
    // Events of other jobs change nothing here.
    const reads = calls.filter((c) => c.url.pathname === '/api/jobs/j8').length;
    bus.emit('job', job({ id: 'other', done: 3 }));
    expect(calls.filter((c) => c.url.pathname === '/api/jobs/j8')).toHaveLength(reads);

    fireEvent.click(screen.getByRole('button', { name: /^Cancel Sync of an account/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel the job' }));
    await waitFor(() =>
      expect(within(screen.getByTestId('job-status')).getByText('Cancelling…')).toBeTruthy(),
    );
    expect(screen.getByTestId('job-status').getAttribute('aria-live')).toBe('polite');
  });

  it('undoes a batch in one playlist after showing the undo, and opens the undo job', async () => {
    const batch: JobDetails = {
      job: job({ id: 'b5', kind: 'batch_edit', state: 'succeeded', done: 2, total: 2 }),
      items: [
        { key: 'p1', label: 'Road Trip', outcome: 'done', error: null, detail: '1 added' },
        { key: 'p2', label: 'Focus', outcome: 'done', error: null, detail: '1 added' },
        { key: 'p3', label: 'Old Mix', outcome: 'pending', error: null, detail: '' },
      ],
      history: [],
    };
    const { calls } = serve(batch, {
      'POST api/jobs/b5/undo': (call) =>
        (call.body as { dry_run: boolean }).dry_run
          ? json(batchPreview({ entries: [batchEntry({ playlist_id: 'p2', name: 'Focus' })] }))
          : json(job({ id: 'u5', kind: 'batch_edit', state: 'queued' }), 202),
    });
    render(<JobPage jobId="b5" />);
    await waitFor(() => expect(screen.getAllByTestId('job-item')).toHaveLength(3));
    expect(screen.getByTestId('job-outcomes').textContent).toBe('2 changed, 1 not run');
    // Undo only on the playlists the batch changed.
    expect(screen.queryByRole('button', { name: 'Undo the batch in Old Mix' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Undo the batch in Focus' }));
    const preview = await screen.findByTestId('undo-preview');
    await waitFor(() => expect(within(preview).getByTestId('batch-preview-table')).toBeTruthy());
    fireEvent.click(within(preview).getByRole('button', { name: 'Undo 1 playlist' }));
    await waitFor(() => expect(window.location.pathname).toBe('/jobs/u5'));
    expect(calls.filter((c) => c.url.pathname === '/api/jobs/b5/undo').map((c) => c.body)).toEqual([
      { playlist_ids: ['p2'], dry_run: true },
      { playlist_ids: ['p2'], dry_run: false },
    ]);
  });

  it('says when a job does not exist', async () => {
    mockApi({ 'GET api/accounts': json({ accounts: [] }) });
    render(<JobPage jobId="nope" />);
    await waitFor(() => expect(screen.getByText('Job not found')).toBeTruthy());
    expect(screen.getByRole('link', { name: /All jobs/ }).getAttribute('href')).toBe('/jobs');
  });
});
