import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, mockApi } from '../test/server';
import { playlist } from '../test/fixtures';
import {
  ApiError,
  api,
  buildPath,
  describeError,
  fetchPlaylists,
  onForbidden,
  onUnauthorized,
  setCsrfToken,
} from './client';

beforeEach(() => {
  setCsrfToken(null);
  onUnauthorized(null);
  onForbidden(null);
});

describe('api client', () => {
  it('sends the CSRF token on writes but not on reads', async () => {
    const { calls } = mockApi({
      'GET api/accounts': json({ accounts: [] }),
      'POST api/accounts/3/sync': json({ id: 'j' }, 202),
      'DELETE api/accounts/3': { status: 204 },
    });
    setCsrfToken('tok-1');
    await api.accounts();
    await api.syncAccount(3);
    expect(await api.disconnectAccount(3)).toBeUndefined();
    expect(calls[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(calls[1]!.headers['x-csrf-token']).toBe('tok-1');
    expect(calls[2]!.headers['x-csrf-token']).toBe('tok-1');
    expect(calls[1]!.method).toBe('POST');
  });

  it('takes the new CSRF token of a rotated session (password change)', async () => {
    const { calls } = mockApi({
      'POST api/me/password': { status: 204, headers: { 'X-CSRF-Token': 'tok-2' } },
      'POST api/accounts/3/sync': json({ id: 'j' }, 202),
    });
    setCsrfToken('tok-1');
    await api.changePassword({ current_password: 'old-password', new_password: 'new-password!' });
    await api.syncAccount(3);
    expect(calls[0]!.headers['x-csrf-token']).toBe('tok-1');
    expect(calls[1]!.headers['x-csrf-token']).toBe('tok-2');
  });

  it('sends JSON bodies and encodes path parameters', async () => {
    const { calls } = mockApi({
      'PUT api/accounts/2/playlists/a%2Fb/tags': (c) =>
        json(playlist({ tags: (c.body as { tags: string[] }).tags })),
    });
    const result = await api.setTags(2, 'a/b', ['x', 'y']);
    expect(result.tags).toEqual(['x', 'y']);
    expect(calls[0]!.headers['content-type']).toBe('application/json');
    expect(calls[0]!.body).toEqual({ tags: ['x', 'y'] });
    expect(buildPath('/api/playlists', undefined, { account_id: 4 })).toBe(
      'api/playlists?account_id=4',
    );
  });

  it('resolves URLs relative to the document base (served under a prefix)', async () => {
    const base = document.querySelector('base')!;
    base.setAttribute('href', '/plm/');
    try {
      const { calls } = mockApi({ 'GET api/setup': json({ needs_setup: false }) });
      await api.setupStatus();
      expect(calls[0]!.url.pathname).toBe('/plm/api/setup');
    } finally {
      base.setAttribute('href', '/');
    }
  });

  it('maps the error shape to ApiError with code and message', async () => {
    mockApi({ 'GET api/users': apiError(403, 'forbidden', 'Only admins may list users.') });
    const err = await api.users().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 403,
      code: 'forbidden',
      message: 'Only admins may list users.',
    });
  });

  it('keeps a useful message when the body is not JSON, and maps network failures', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
      ),
    );
    await expect(api.accounts()).rejects.toMatchObject({
      status: 502,
      code: 'http_502',
      message: 'Bad Gateway',
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(api.accounts()).rejects.toMatchObject({ code: 'network' });
  });

  it('calls the 401 handler, except where a 401 is expected', async () => {
    const handler = vi.fn();
    onUnauthorized(handler);
    mockApi({
      'GET api/accounts': apiError(401, 'unauthenticated', 'Sign in first.'),
      'GET api/session': apiError(401, 'unauthenticated', 'Sign in first.'),
    });
    await expect(api.accounts()).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
    await expect(api.session()).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('reads Retry-After on 429 and tells people how long to wait', async () => {
    mockApi({
      'POST api/session': apiError(429, 'too_many_requests', 'Too many attempts.', {
        'Retry-After': '90',
      }),
    });
    const err = (await api
      .signIn({ username: 'a', password: 'b' })
      .catch((e: unknown) => e)) as ApiError;
    expect(err.retryAfter).toBe(90);
    expect(describeError(err)).toBe('Too many attempts. Try again in 2 min.');
  });

  it('revalidates the playlist list with its ETag and keeps the data on 304', async () => {
    const data = { playlists: [playlist({ id: 'a' })], total: 1 };
    const { calls } = mockApi({
      'GET api/playlists': (c) =>
        c.headers['if-none-match'] === '"v1"' ? { status: 304 } : json(data, 200, { ETag: '"v1"' }),
    });
    const first = await fetchPlaylists(null);
    expect(first.etag).toBe('"v1"');
    const second = await fetchPlaylists(first);
    expect(second).toBe(first);
    expect(calls[1]!.headers['if-none-match']).toBe('"v1"');
  });

  it('calls the forbidden handler on 403 forbidden only (not on a CSRF failure)', async () => {
    const handler = vi.fn();
    onForbidden(handler);
    mockApi({
      'POST api/accounts/1/sync': apiError(403, 'forbidden', 'Viewers cannot sync.'),
      'POST api/accounts/2/sync': apiError(403, 'csrf_failed', 'Bad token.'),
    });
    await expect(api.syncAccount(1)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    expect(handler).toHaveBeenCalledTimes(1);
    await expect(api.syncAccount(2)).rejects.toMatchObject({ code: 'csrf_failed' });
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
