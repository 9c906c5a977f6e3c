import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PlaylistVersion } from '../api/client';
import { setSession } from '../lib/session';
import { editPreview, items, playlist, sessionInfo } from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { HistoryPage, causeText, changesText } from './HistoryPage';

const BASE = 'api/accounts/1/playlists/p1';

function version(n: number, overrides: Partial<PlaylistVersion['cause']> = {}): PlaylistVersion {
  return {
    version: n,
    recorded_at: '2026-03-01T10:00:00Z',
    snapshot_id: `s${n}`,
    item_count: 5,
    details: { name: 'Mix', description: '', public: true, collaborative: false },
    cause: {
      kind: 'edit',
      user_id: '1',
      username: 'alice',
      origin: 'web',
      action: 'playlist move',
      why: '',
      job_id: 'j',
      restored_version: null,
      ...overrides,
    },
    changes: { added: 0, removed: 1, moved: 2, details_changed: false },
  };
}

beforeEach(() => setSession(sessionInfo('editor')));

describe('HistoryPage', () => {
  it('words a version: who, how, what changed', () => {
    expect(causeText(version(4))).toBe('Edit by alice (web)');
    expect(causeText(version(3, { kind: 'restore', restored_version: 1, origin: 'cli' }))).toBe(
      'Restore of version 1 by alice (cli)',
    );
    expect(
      causeText(version(2, { kind: 'sync', username: null, user_id: null, origin: '', why: '' })),
    ).toBe('Changed outside plm');
    expect(changesText(version(2))).toBe('1 removed, 2 moved');
  });

  it('lists versions, filters by cause, pages, and compares two versions', async () => {
    const { calls } = mockApi({
      [`GET ${BASE}`]: json(playlist({ id: 'p1', name: 'Mix' })),
      [`GET ${BASE}/items`]: json({ items: items(5), total: 5, snapshot_id: 's3' }),
      [`GET ${BASE}/history`]: (call) =>
        call.url.searchParams.get('before')
          ? json({ versions: [version(1)], next_before: null })
          : json({ versions: [version(3), version(2)], next_before: '2' }),
      [`GET ${BASE}/history/3`]: json({
        version: version(3),
        items: [],
        against: 1,
        diff: {
          added: [],
          removed: [{ uri: 'spotify:track:t1', position: 1 }],
          moved: [],
          details: [],
        },
      }),
    });
    render(<HistoryPage accountId={1} playlistId="p1" />);
    await waitFor(() => expect(screen.getAllByTestId('version')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getAllByTestId('version')).toHaveLength(3));
    // Only older versions can be restored.
    expect(screen.getAllByRole('button', { name: 'Restore this version' })).toHaveLength(2);

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show changes' }));
    const diff = await screen.findByTestId('version-diff');
    expect(within(diff).getByText('From version 1 to version 3')).toBeTruthy();
    expect(within(diff).getByText('2. Track 2 — Artist 1')).toBeTruthy();
    expect(calls.at(-1)!.url.search).toBe('?against=1');

    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'restore' } });
    await waitFor(() =>
      expect(calls.some((c) => c.url.searchParams.get('cause') === 'restore')).toBe(true),
    );
  });

  it('previews a restore before sending it', async () => {
    const { calls } = mockApi({
      [`GET ${BASE}`]: json(playlist({ id: 'p1', name: 'Mix' })),
      [`GET ${BASE}/items`]: json({ items: items(5), total: 5, snapshot_id: 's3' }),
      [`GET ${BASE}/history`]: json({ versions: [version(3), version(2)], next_before: null }),
      [`POST ${BASE}/edits/preview`]: json(
        editPreview({
          added: [{ uri: 'spotify:track:x', position: 0 }],
          replace_everything: {
            possible: false,
            impossible_because: 'local files',
            calls: 0,
            added_at_lost: 0,
          },
        }),
      ),
    });
    render(<HistoryPage accountId={1} playlistId="p1" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Restore this version' }));
    const dialog = await screen.findByRole('dialog', { name: 'Restore version 2' });
    await within(dialog).findByTestId('preview-facts');
    expect(within(dialog).getByText('not possible: local files')).toBeTruthy();
    expect(calls.at(-1)!.body).toEqual({ kind: 'restore', version: 2, planned_snapshot: 's3' });
  });

  it('offers no restore to a viewer', async () => {
    setSession(sessionInfo('viewer'));
    mockApi({
      [`GET ${BASE}`]: json(playlist({ id: 'p1' })),
      [`GET ${BASE}/items`]: json({ items: items(5), total: 5, snapshot_id: 's3' }),
      [`GET ${BASE}/history`]: json({ versions: [version(3), version(2)], next_before: null }),
    });
    render(<HistoryPage accountId={1} playlistId="p1" />);
    await waitFor(() => expect(screen.getAllByTestId('version')).toHaveLength(2));
    expect(screen.queryByRole('button', { name: 'Restore this version' })).toBeNull();
  });
});
