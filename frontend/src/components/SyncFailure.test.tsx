import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { account, job } from '../test/fixtures';
import { AccountCard } from './AccountCard';
import { syncFailureText } from './SyncFailure';
import { SyncStrip } from './SyncStrip';

const noop = () => undefined;
const failed = account({
  last_sync_failure: {
    job_id: '42',
    code: 'rate_limited',
    message: 'spotify asked to wait',
    ended_at: '2026-03-01T10:00:00Z',
  },
});

describe('a failed sync stays visible', () => {
  it('says what went wrong and when', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(syncFailureText(failed, now)).toBe(
      'The last sync failed (2 hours ago): Spotify asked to wait.',
    );
    const cancelled = account({
      last_sync_failure: { ...failed.last_sync_failure!, code: 'cancelled', message: 'x' },
    });
    expect(syncFailureText(cancelled, now)).toBe(
      'The last sync was cancelled (2 hours ago) before it finished.',
    );
    expect(syncFailureText(account(), now)).toBeNull();
  });

  it('on the account card, with the job and a Retry that syncs again', () => {
    const onSync = vi.fn();
    render(
      <AccountCard
        account={failed}
        job={null}
        canWrite
        onSync={onSync}
        onReconnect={noop}
        onDisconnect={noop}
      />,
    );
    const notice = screen.getByTestId('sync-failure');
    expect(notice.textContent).toContain('Spotify asked to wait.');
    const details = within(notice).getByRole('link', {
      name: 'Details of the failed sync of Demo Pro',
    });
    expect(details.getAttribute('href')).toBe('/jobs/42');
    fireEvent.click(within(notice).getByRole('button', { name: 'Retry the sync of Demo Pro' }));
    expect(onSync).toHaveBeenCalledTimes(1);
  });

  it('offers no Retry while a sync runs, to viewers, or when the account needs reconnecting', () => {
    const running = job({ kind: 'sync_account', state: 'running', account_id: 1 });
    const cases = [
      { account: failed, job: running, canWrite: true },
      { account: failed, job: null, canWrite: false },
      { account: { ...failed, status: 'needs_reauth' as const }, job: null, canWrite: true },
    ];
    for (const c of cases) {
      const { unmount } = render(
        <AccountCard {...c} onSync={noop} onReconnect={noop} onDisconnect={noop} />,
      );
      expect(screen.getByTestId('sync-failure')).toBeTruthy();
      expect(screen.queryByRole('button', { name: /^Retry/ })).toBeNull();
      unmount();
    }
  });

  it('in the sync strip instead of "Sync now", and gone once a sync succeeded', () => {
    const onSync = vi.fn();
    const { rerender } = render(
      <SyncStrip accounts={[failed]} jobs={new Map()} canWrite starting={null} onSync={onSync} />,
    );
    expect(screen.getByTestId('sync-failure').textContent).toContain('The last sync failed');
    expect(screen.queryByRole('button', { name: /^Sync now/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Retry the sync of Demo Pro' }));
    expect(onSync).toHaveBeenCalledWith(failed);

    rerender(
      <SyncStrip
        accounts={[{ ...failed, last_sync_failure: null }]}
        jobs={new Map()}
        canWrite
        starting={null}
        onSync={onSync}
      />,
    );
    expect(screen.queryByTestId('sync-failure')).toBeNull();
    expect(screen.getByRole('button', { name: 'Sync now (Demo Pro)' })).toBeTruthy();
  });
});
