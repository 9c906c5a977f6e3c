import { render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { sessionInfo } from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { setSession } from '../lib/session';
import { UsersPage } from './UsersPage';

beforeEach(() => {
  setSession(sessionInfo('admin'));
});

describe('UsersPage', () => {
  it('disables the role selector on your own row only, saying why', async () => {
    mockApi({
      'GET api/users': json({
        users: [
          { id: 1, username: 'alice', role: 'admin', created_at: '2026-01-01T00:00:00Z' },
          { id: 2, username: 'bob', role: 'viewer', created_at: '2026-01-02T00:00:00Z' },
        ],
      }),
    });
    render(<UsersPage />);
    const mine = (await waitFor(() => screen.getByLabelText('Role of alice'))) as HTMLSelectElement;
    expect(mine.disabled).toBe(true);
    expect(mine.title).toContain('cannot change your own role');
    const theirs = screen.getByLabelText('Role of bob') as HTMLSelectElement;
    expect(theirs.disabled).toBe(false);
    expect(theirs.title).toBe('');
  });
});
