import { render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiError, json, mockApi } from './test/server';
import { sessionInfo } from './test/fixtures';
import { App, safeNext } from './App';
import { location, navigate } from './lib/router';
import { setSession } from './lib/session';

beforeEach(() => {
  setSession(null);
});

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
      'GET api/jobs': json({ jobs: [] }),
    });
    render(<App />);
    await waitFor(() =>
      expect(screen.getByText('Only administrators can manage users.')).toBeTruthy(),
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
});
