import { beforeEach, describe, expect, it } from 'vitest';
import { getCsrfToken } from '../api/client';
import { sessionInfo } from '../test/fixtures';
import { apiError, json, mockApi } from '../test/server';
import { refreshSession, session, setSession } from './session';

beforeEach(() => {
  setSession(sessionInfo('editor'));
});

describe('refreshSession', () => {
  it('stores the re-read session (a changed role and a rotated CSRF token), sharing one request', async () => {
    const { calls } = mockApi({
      'GET api/session': json({ ...sessionInfo('viewer'), csrf_token: 'csrf-new' }),
    });
    const [a, b] = await Promise.all([refreshSession(), refreshSession()]);
    expect(a?.user.role).toBe('viewer');
    expect(b).toBe(a);
    expect(calls).toHaveLength(1);
    expect(session.value?.user.role).toBe('viewer');
    expect(getCsrfToken()).toBe('csrf-new');
  });

  it('answers null when the session ended, and rejects when the server is unreachable', async () => {
    mockApi({ 'GET api/session': apiError(401, 'unauthenticated', 'Sign in first.') });
    await expect(refreshSession()).resolves.toBeNull();
    mockApi({ 'GET api/session': apiError(503, 'unavailable', 'Down.') });
    await expect(refreshSession()).rejects.toMatchObject({ status: 503 });
    expect(session.value?.user.role).toBe('editor');
  });

  it('does not bring back a session signed out meanwhile', async () => {
    mockApi({ 'GET api/session': json(sessionInfo('viewer')) });
    const pending = refreshSession();
    setSession(null);
    await pending;
    expect(session.value).toBeNull();
  });
});
