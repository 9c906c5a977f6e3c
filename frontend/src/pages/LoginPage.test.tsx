import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { sessionInfo } from '../test/fixtures';
import { apiError, json, mockApi } from '../test/server';
import { getCsrfToken } from '../api/client';
import { location, navigate } from '../lib/router';
import { session, setSession } from '../lib/session';
import { LoginPage } from './LoginPage';

function fill(username: string, password: string) {
  fireEvent.input(screen.getByLabelText('Username'), { target: { value: username } });
  fireEvent.input(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

beforeEach(() => {
  setSession(null);
  navigate('login', { replace: true });
});

describe('LoginPage', () => {
  it('says so when the password is wrong, and clears it', async () => {
    mockApi({ 'POST api/session': apiError(401, 'unauthenticated', 'invalid credentials') });
    render(<LoginPage next="playlists" />);
    fill('alice', 'wrong-password');
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('Wrong username or password.'),
    );
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
  });

  it('when throttled, shows the time to wait and blocks the button', async () => {
    mockApi({
      'POST api/session': apiError(429, 'too_many_requests', 'slow down', { 'Retry-After': '300' }),
    });
    render(<LoginPage next="playlists" />);
    fill('alice', 'whatever-password');
    await waitFor(() =>
      expect(screen.getByTestId('login-error').textContent).toBe(
        'Too many failed sign-in attempts. Try again in 5 minutes.',
      ),
    );
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });

  it('signs in, keeps the CSRF token and goes where the user was headed', async () => {
    const { calls } = mockApi({ 'POST api/session': json(sessionInfo('editor')) });
    render(<LoginPage next="accounts" />);
    fill(' alice ', 'correct horse battery');
    await waitFor(() => expect(location.value.path).toBe('accounts'));
    expect(calls[0]!.body).toEqual({ username: 'alice', password: 'correct horse battery' });
    expect(session.value?.user.username).toBe('alice');
    expect(getCsrfToken()).toBe('csrf-123');
  });
});
