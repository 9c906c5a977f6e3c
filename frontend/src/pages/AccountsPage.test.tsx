import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { account, job, sessionInfo } from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { bus } from '../lib/events';
import { navigate } from '../lib/router';
import { setSession } from '../lib/session';
import { AccountsPage, connectNotice } from './AccountsPage';

const okSetup = {
  client_id_configured: true,
  redirect_uri: 'http://127.0.0.1:8080/api/spotify/callback',
  redirect_uri_problems: [],
  dashboard_url: 'https://developer.spotify.com/dashboard',
};

beforeEach(() => {
  setSession(sessionInfo('editor'));
  navigate('accounts', { replace: true });
});

describe('AccountsPage', () => {
  it('explains the callback result codes', () => {
    expect(connectNotice('connected=4')?.kind).toBe('success');
    expect(connectNotice('error=access_denied')?.text).toContain('cancelled');
    expect(connectNotice('error=weird')?.text).toContain('weird');
    expect(connectNotice('error=forbidden')?.text).toBe(
      'Your role no longer allows connecting Spotify accounts; ask an administrator.',
    );
    // not a key of Object.prototype
    expect(connectNotice('error=constructor')?.text).toBe(
      'Connecting to Spotify failed (constructor). Please try again.',
    );
    expect(connectNotice('')).toBeNull();
  });

  it('shows the Spotify setup problems prominently and the redirect URI to copy', async () => {
    mockApi({
      'GET api/accounts': json({ accounts: [] }),
      'GET api/spotify/setup': json({
        ...okSetup,
        client_id_configured: false,
        redirect_uri: 'http://localhost:8080/api/spotify/callback',
        redirect_uri_problems: ['Spotify refuses "localhost"; use 127.0.0.1'],
      }),
    });
    render(<AccountsPage search="error=exchange_failed" />);
    await waitFor(() => expect(screen.getByText('Set up your Spotify app')).toBeTruthy());
    expect(screen.getByText('Spotify refuses "localhost"; use 127.0.0.1')).toBeTruthy();
    expect(screen.getByTestId('redirect-uri').textContent).toBe(
      'http://localhost:8080/api/spotify/callback',
    );
    expect(screen.getByTestId('connect-notice').textContent).toContain('did not accept');
    // No client ID: connecting cannot work.
    expect(
      (screen.getByRole('button', { name: 'Connect a Spotify account' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
  });

  it('connects by sending the browser to the authorize URL', async () => {
    const assign = vi.fn();
    vi.spyOn(window, 'location', 'get').mockReturnValue({ ...window.location, assign } as Location);
    const { calls } = mockApi({
      'GET api/accounts': json({ accounts: [] }),
      'GET api/spotify/setup': json(okSetup),
      'POST api/accounts/connect': json({ authorize_url: 'http://127.0.0.1:9/authorize?x=1' }),
    });
    setSession(sessionInfo('editor'));
    render(<AccountsPage search="" />);
    await waitFor(() => expect(screen.getByText('No Spotify account connected yet')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Connect a Spotify account' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('http://127.0.0.1:9/authorize?x=1'));
    expect(calls.find((c) => c.method === 'POST')!.headers['x-csrf-token']).toBe('csrf-123');
  });

  it('asks before disconnecting and says that nothing changes on Spotify', async () => {
    const { calls } = mockApi({
      'GET api/accounts': json({ accounts: [account({ id: 5, display_name: 'Label Main' })] }),
      'GET api/spotify/setup': json(okSetup),
      'DELETE api/accounts/5': { status: 204 },
    });
    render(<AccountsPage search="" />);
    await waitFor(() => expect(screen.getByText('Label Main')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Nothing changes on Spotify');
    fireEvent.click(screen.getAllByRole('button', { name: 'Disconnect' }).at(-1)!);
    await waitFor(() => expect(screen.queryByText('Label Main')).toBeNull());
    expect(calls.some((c) => c.method === 'DELETE' && c.url.pathname === '/api/accounts/5')).toBe(
      true,
    );
  });

  it('re-reads the accounts when a sync finishes, not on every progress step', async () => {
    let count = 3;
    const { calls } = mockApi({
      'GET api/accounts': () => json({ accounts: [account({ playlist_count: count })] }),
      'GET api/spotify/setup': json(okSetup),
    });
    render(<AccountsPage search="" />);
    await waitFor(() => expect(screen.getByText('3')).toBeTruthy());
    const reads = () => calls.filter((c) => c.url.pathname === '/api/accounts').length;
    bus.emit('job', job({ state: 'running', done: 20 }));
    expect(reads()).toBe(1);
    count = 330;
    bus.emit('job', job({ state: 'succeeded', done: 40 }));
    await waitFor(() => expect(screen.getByText('330')).toBeTruthy());
    expect(reads()).toBe(2);
  });
});
