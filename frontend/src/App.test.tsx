import { render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, mockApi } from './test/server';
import { api } from './api/client';
import { job, sessionInfo } from './test/fixtures';
import { App, safeNext } from './App';
import { location, navigate } from './lib/router';
import { bus } from './lib/events';
import { jobs, replaceJobs } from './lib/jobs';
import { session, setSession } from './lib/session';
import { toasts } from './lib/toast';

beforeEach(() => {
  setSession(null);
  replaceJobs([]);
  toasts.value = [];
});
afterEach(() => {
  vi.unstubAllGlobals();
});

/** happy-dom has no EventSource: a silent one (tests put events on the bus themselves). */
function stubSilentEventSource() {
  vi.stubGlobal(
    'EventSource',
    class {
      readyState = 0;
      onopen = null;
      onerror = null;
      addEventListener() {}
      close() {}
    },
  );
}

describe('App', () => {
  it('sends a first visit to setup', async () => {
    navigate('playlists', { replace: true });
    mockApi({ 'GET api/setup': json({ needs_setup: true }) });
    render(<App />);
    await waitFor(() => expect(screen.getByText('Welcome to plm')).toBeTruthy());
    expect(location.value.path).toBe('setup');
    expect(screen.getByLabelText('Setup code')).toBeTruthy();
  });

  it('sends a signed-out visitor to the login page, remembering where they were going', async () => {
    navigate('accounts', { replace: true });
    mockApi({
      'GET api/setup': json({ needs_setup: false }),
      'GET api/session': apiError(401, 'unauthenticated', 'Sign in first.'),
    });
    render(<App />);
    await waitFor(() =>
      expect(screen.getByRole('heading', { name: 'Sign in to plm' })).toBeTruthy(),
    );
    expect(location.value.path).toBe('login');
    expect(new URLSearchParams(location.value.search).get('next')).toBe('accounts');
  });

  it('hides the Users page from non-admins', async () => {
    navigate('users', { replace: true });
    mockApi({
      'GET api/setup': json({ needs_setup: false }),
      'GET api/session': json(sessionInfo('viewer')),
      'GET api/jobs': json({ jobs: [], next_before: null }),
    });
    render(<App />);
    await waitFor(() =>
      expect(screen.getByText('Only administrators can open Users.')).toBeTruthy(),
    );
    expect(screen.queryByRole('link', { name: 'Users' })).toBeNull();
  });

  it('only follows safe "next" routes after sign-in', () => {
    expect(safeNext('playlists?q=x')).toBe('playlists?q=x');
    expect(safeNext('//evil.example')).toBe('playlists');
    expect(safeNext('https://evil.example')).toBe('playlists');
    expect(safeNext('login')).toBe('playlists');
    expect(safeNext(null)).toBe('playlists');
  });

  it('re-reads the session after a 403 forbidden, so a demoted user loses admin links', async () => {
    navigate('settings', { replace: true });
    stubSilentEventSource();
    let role: 'admin' | 'viewer' = 'admin';
    const { calls } = mockApi({
      'GET api/setup': json({ needs_setup: false }),
      'GET api/session': () => json(sessionInfo(role)),
      'GET api/jobs': json({ jobs: [], next_before: null }),
      'POST api/accounts/1/sync': apiError(403, 'forbidden', 'Viewers cannot sync.'),
    });
    const sessionReads = () => calls.filter((c) => c.url.pathname.endsWith('/api/session')).length;
    render(<App />);
    await waitFor(() => expect(screen.getByRole('link', { name: 'Users' })).toBeTruthy());
    // Once at start, once more when the settings page opens (for a current expiry).
    await waitFor(() => expect(sessionReads()).toBe(2));
    role = 'viewer';
    await expect(api.syncAccount(1)).rejects.toMatchObject({ code: 'forbidden' });
    await waitFor(() => expect(session.value?.user.role).toBe('viewer'));
    expect(screen.queryByRole('link', { name: 'Users' })).toBeNull();
    const facts = screen.getByText('Role').parentElement!;
    expect(within(facts).getByText('viewer')).toBeTruthy();
    expect(sessionReads()).toBe(3);
  });

  it('reads the active jobs when signed in, and says when one of them ends', async () => {
    navigate('settings', { replace: true });
    stubSilentEventSource();
    const { calls } = mockApi({
      'GET api/setup': json({ needs_setup: false }),
      'GET api/session': json(sessionInfo('editor')),
      'GET api/jobs': json({ jobs: [job({ id: 'j1', state: 'running' })], next_before: null }),
    });
    render(<App />);
    await waitFor(() => expect(jobs.value.get('j1')?.state).toBe('running'));
    const read = calls.find((c) => c.url.pathname === '/api/jobs')!;
    expect(read.url.searchParams.get('state')).toBe('queued,running,interrupted');
    bus.emit('job', job({ id: 'j1', state: 'interrupted' }));
    expect(toasts.value).toHaveLength(0);
    bus.emit('job', job({ id: 'j1', state: 'cancelled' }));
    expect(toasts.value.map((t) => t.text)).toEqual(['Sync of an account was cancelled.']);
  });
});
