import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../api/client';
import { account, job, sessionInfo } from '../test/fixtures';
import { apiError, json, mockApi, type Call } from '../test/server';
import { bus } from '../lib/events';
import { location, navigate } from '../lib/router';
import { setSession } from '../lib/session';
import { JobsPage } from './JobsPage';

function Page() {
  return <JobsPage search={location.value.search} />;
}

const running = job({ id: 'j3', state: 'running', done: 10, total: 40 });
const queued = job({
  id: 'j2',
  kind: 'sync_playlist',
  playlist_id: 'p9',
  state: 'queued',
  done: 0,
  total: 0,
  created_at: '2026-03-01T09:00:00Z',
});
const failed = job({
  id: 'j1',
  state: 'failed',
  created_at: '2026-03-01T08:00:00Z',
  error: {
    code: 'needs_reauth',
    message: 'Spotify no longer accepts this connection',
    retry_at: null,
  },
});

function rows(): HTMLElement[] {
  return screen.queryAllByTestId('job-row');
}
function row(id: string): HTMLElement {
  return rows().find((r) => r.dataset.jobId === id)!;
}
const jobReads = (calls: Call[]) => calls.filter((c) => c.url.pathname === '/api/jobs');

function serve(list: Job[], extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    'GET api/jobs': json({ jobs: list, next_before: null }),
    'GET api/accounts': json({ accounts: [account({ id: 1, display_name: 'Demo Pro' })] }),
    ...extra,
  });
}

beforeEach(() => {
  navigate('jobs', { replace: true });
  setSession(sessionInfo('editor'));
});

describe('JobsPage', () => {
  it('lists the jobs newest first with state, kind, account and live progress', async () => {
    serve([running, queued, failed]);
    render(<Page />);
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows().map((r) => r.dataset.jobId)).toEqual(['j3', 'j2', 'j1']);
    expect(within(screen.getByRole('table')).getAllByRole('columnheader')).toHaveLength(5);
    const first = row('j3');
    expect(within(first).getByRole('rowheader').textContent).toContain('Sync of an account');
    await waitFor(() => expect(first.textContent).toContain('Demo Pro'));
    expect(within(first).getByText('Running')).toBeTruthy();
    expect(within(first).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    expect(row('j2').textContent).toContain('playlist p9 of Demo Pro');
    expect(row('j1').textContent).toContain('Spotify no longer accepts this connection');
    expect(
      within(row('j1'))
        .getByRole('link', { name: 'Sync of an account (Demo Pro): details' })
        .getAttribute('href'),
    ).toBe('/jobs/j1');
  });

  it('moves progress in place on job events, announces a change of state, and adds new jobs on top', async () => {
    serve([running, failed]);
    render(<Page />);
    await waitFor(() => expect(rows()).toHaveLength(2));
    bus.emit('job', { ...running, done: 30 });
    await waitFor(() =>
      expect(within(row('j3')).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('75'),
    );
    expect(screen.getByTestId('job-announcer').textContent).toBe('');
    bus.emit('job', { ...running, done: 40, state: 'succeeded', message: '40 playlists stored' });
    await waitFor(() => expect(within(row('j3')).getByText('Succeeded')).toBeTruthy());
    expect(within(row('j3')).queryByRole('progressbar')).toBeNull();
    expect(screen.getByTestId('job-announcer').textContent).toBe(
      'Sync of an account (Demo Pro): Succeeded',
    );
    expect(screen.getByTestId('job-announcer').getAttribute('aria-live')).toBe('polite');
    bus.emit('job', job({ id: 'j4', created_at: '2026-03-01T11:00:00Z', state: 'queued' }));
    await waitFor(() => expect(rows().map((r) => r.dataset.jobId)).toEqual(['j4', 'j3', 'j1']));
  });

  it('keeps the state filter in the URL and asks the server for those states', async () => {
    navigate('jobs?state=failed', { replace: true });
    const { calls } = serve([failed]);
    render(<Page />);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(jobReads(calls)[0]!.url.searchParams.get('state')).toBe('failed');
    expect((screen.getByLabelText('Show') as HTMLSelectElement).value).toBe('failed');
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'active' } });
    await waitFor(() => expect(location.value.search).toBe('state=active'));
    await waitFor(() => expect(jobReads(calls)).toHaveLength(2));
    expect(jobReads(calls)[1]!.url.searchParams.get('state')).toBe('queued,running,interrupted');
    // A job event that does not match the filter is not added.
    bus.emit('job', job({ id: 'j9', state: 'succeeded', created_at: '2026-03-02T00:00:00Z' }));
    await Promise.resolve();
    expect(rows().some((r) => r.dataset.jobId === 'j9')).toBe(false);
  });

  it('says when nothing matches, with a way back to all jobs', async () => {
    navigate('jobs?state=cancelled', { replace: true });
    serve([]);
    render(<Page />);
    await waitFor(() => expect(screen.getByText('No jobs in this state')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Show all jobs' }));
    expect(location.value.search).toBe('');
  });

  it('loads more jobs page by page', async () => {
    const { calls } = mockApi({
      'GET api/jobs': (call) =>
        call.url.searchParams.get('before') === 'j2'
          ? json({ jobs: [failed], next_before: null })
          : json({ jobs: [running, queued], next_before: 'j2' }),
      'GET api/accounts': json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(jobReads(calls)[0]!.url.searchParams.get('limit')).toBe('50');
    fireEvent.click(screen.getByRole('button', { name: 'Load more jobs' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(jobReads(calls)[1]!.url.searchParams.get('before')).toBe('j2');
    expect(screen.queryByRole('button', { name: 'Load more jobs' })).toBeNull();
  });

  it('re-reads as many rows as are shown after the event stream reconnected', async () => {
    const many = Array.from({ length: 50 }, (_, i) => job({ id: `a${i}`, state: 'succeeded' }));
    const { calls } = mockApi({
      'GET api/jobs': (call) =>
        call.url.searchParams.get('before')
          ? json({ jobs: [failed], next_before: null })
          : json({ jobs: many, next_before: 'a49' }),
      'GET api/accounts': json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() => expect(rows()).toHaveLength(50));
    fireEvent.click(screen.getByRole('button', { name: 'Load more jobs' }));
    await waitFor(() => expect(rows()).toHaveLength(51));
    bus.emit('reconnected', null);
    await waitFor(() => expect(jobReads(calls)).toHaveLength(3));
    expect(jobReads(calls)[2]!.url.searchParams.get('limit')).toBe('51');
  });

  it('cancels a queued job at once, and a running one after asking', async () => {
    const { calls } = serve([running, queued], {
      'POST api/jobs/j2/cancel': json({ ...queued, state: 'cancelled' }),
      'POST api/jobs/j3/cancel': json({ ...running, cancel_requested: true }),
    });
    render(<Page />);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await waitFor(() => expect(row('j2').textContent).toContain('Demo Pro'));

    fireEvent.click(
      screen.getByRole('button', { name: 'Cancel Sync of a playlist (playlist p9 of Demo Pro)' }),
    );
    await waitFor(() => expect(within(row('j2')).getByText('Cancelled')).toBeTruthy());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(
      calls.find((c) => c.url.pathname === '/api/jobs/j2/cancel')!.headers['x-csrf-token'],
    ).toBe('csrf-123');

    fireEvent.click(screen.getByRole('button', { name: 'Cancel Sync of an account (Demo Pro)' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('stays done');
    expect(calls.some((c) => c.url.pathname === '/api/jobs/j3/cancel')).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel the job' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const cancelling = within(row('j3')).getByRole('button', {
      name: 'Cancelling Sync of an account (Demo Pro)',
    }) as HTMLButtonElement;
    expect(cancelling.disabled).toBe(true);
    expect(cancelling.textContent).toBe('Cancelling…');
    expect(within(row('j3')).getAllByText('Cancelling…').length).toBeGreaterThan(1);
  });

  it('shows why a cancel failed, and keeps the job running when the user changes their mind', async () => {
    serve([running], {
      'POST api/jobs/j3/cancel': apiError(409, 'conflict', 'The job has already finished.'),
    });
    render(<Page />);
    await waitFor(() => expect(rows()).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: /^Cancel Sync of an account/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Keep it running' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /^Cancel Sync of an account/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel the job' }));
    await waitFor(() =>
      expect(within(screen.getByRole('dialog')).getByRole('alert').textContent).toBe(
        'The job has already finished.',
      ),
    );
  });

  it('offers no cancel to viewers', async () => {
    setSession(sessionInfo('viewer'));
    serve([running, queued]);
    render(<Page />);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.queryByRole('button', { name: /Cancel/ })).toBeNull();
  });

  it('shows a failed load with a retry', async () => {
    let fail = true;
    mockApi({
      'GET api/jobs': () =>
        fail
          ? apiError(500, 'internal', 'The jobs could not be read.')
          : json({ jobs: [running], next_before: null }),
      'GET api/accounts': json({ accounts: [account()] }),
    });
    render(<Page />);
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('The jobs could not be read.'),
    );
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(rows()).toHaveLength(1));
  });
});
