import { describe, expect, it } from 'vitest';
import { job } from '../test/fixtures';
import {
  activeAccountJob,
  activePlaylistJob,
  cancelNeedsConfirmation,
  endIsQuiet,
  endNotice,
  isActive,
  jobFraction,
  mayCancel,
  jobs,
  outcomeSummary,
  progressText,
  replaceJobs,
  statusText,
  upsertJob,
} from './jobs';

describe('jobs', () => {
  it("keeps the app-wide notice quiet for a paste's matching, even before its id is known", () => {
    expect(endIsQuiet(job({ id: 'm1', kind: 'match_paste', state: 'succeeded' }))).toBe(true);
    expect(endIsQuiet(job({ id: 's1', kind: 'sync_account', state: 'succeeded' }))).toBe(false);
  });

  it('never lets an older, active picture of a finished job bring it back', () => {
    replaceJobs([]);
    const running = job({ id: 'j', state: 'running', cancel_requested: true });
    const cancelled = job({ id: 'j', state: 'cancelled', cancel_requested: true });
    // The worker's final event, then the cancel answer's event sent a moment before it.
    upsertJob(cancelled);
    upsertJob(running);
    expect(jobs.value.get('j')?.state).toBe('cancelled');
    // A list of active jobs fetched before the job ended.
    replaceJobs([running]);
    expect(jobs.value.get('j')?.state).toBe('cancelled');
    // Forward moves are taken: queued again for a retry, then finished.
    upsertJob(job({ id: 'k', state: 'running' }));
    upsertJob(job({ id: 'k', state: 'queued' }));
    expect(jobs.value.get('k')?.state).toBe('queued');
    upsertJob(job({ id: 'k', state: 'failed' }));
    expect(jobs.value.get('k')?.state).toBe('failed');
    replaceJobs([]);
  });

  it('finds the newest active job of an account or playlist', () => {
    const all = new Map(
      [
        job({ id: 'old', created_at: '2026-03-01T09:00:00Z' }),
        job({ id: 'new', created_at: '2026-03-01T11:00:00Z' }),
        job({ id: 'done', state: 'succeeded', created_at: '2026-03-01T12:00:00Z' }),
        job({ id: 'gone', state: 'cancelled', created_at: '2026-03-01T13:00:00Z' }),
        job({ id: 'other', account_id: 2, state: 'interrupted' }),
        job({ id: 'pl', kind: 'sync_playlist', account_id: 3, playlist_id: 'p1' }),
      ].map((j) => [j.id, j]),
    );
    expect(activeAccountJob(all, 1)?.id).toBe('new');
    expect(activeAccountJob(all, 3)).toBeNull();
    expect(activePlaylistJob(all, 3, 'p1')?.id).toBe('pl');
    expect(activePlaylistJob(all, 3, 'p2')).toBeNull();
    // An interrupted job is not over: it resumes by itself.
    expect(activePlaylistJob(all, 2, 'anything')?.id).toBe('other');
  });

  it('knows which states are over', () => {
    expect(
      ['queued', 'running', 'interrupted'].map((s) => isActive(job({ state: s as 'queued' }))),
    ).toEqual([true, true, true]);
    expect(
      ['succeeded', 'failed', 'cancelled'].map((s) => isActive(job({ state: s as 'failed' }))),
    ).toEqual([false, false, false]);
  });

  it('computes progress, unknown while listing and for one step under way', () => {
    expect(jobFraction(job({ done: 10, total: 40 }))).toBe(0.25);
    expect(jobFraction(job({ done: 0, total: 0 }))).toBeNull();
    expect(jobFraction(job({ done: 50, total: 40 }))).toBe(1);
    expect(jobFraction(job({ kind: 'sync_playlist', done: 0, total: 1 }))).toBeNull();
    expect(jobFraction(job({ kind: 'sync_playlist', state: 'succeeded', done: 1, total: 1 }))).toBe(
      1,
    );
    // A playlist sync that counts its tracks has something to show.
    expect(
      jobFraction(job({ kind: 'sync_playlist', unit: 'tracks', done: 2500, total: 10_000 })),
    ).toBe(0.25);
  });

  it('says where a job is, in its unit', () => {
    expect(progressText(job({ done: 30, total: 120 }))).toBe('30 of 120 playlists');
    expect(progressText(job({ unit: 'tracks', done: 1, total: 10_000 }))).toBe(
      '1 of 10,000 tracks',
    );
    expect(progressText(job({ unit: 'calls', done: 1, total: 1, state: 'failed' }))).toBe(
      '1 of 1 Spotify call',
    );
    expect(progressText(job({ total: 0 }))).toBe('Listing playlists…');
    expect(progressText(job({ kind: 'sync_playlist', total: 1, done: 0 }))).toBe(
      'Reading the playlist…',
    );
    expect(progressText(job({ state: 'queued' }))).toBe('Waiting to start…');
    expect(
      progressText(
        job({
          state: 'queued',
          error: { code: 'rate_limited', message: 'Spotify asked to wait', retry_at: null },
        }),
      ),
    ).toBe('Waiting to try again…');
    expect(progressText(job({ state: 'interrupted' }))).toBe('Interrupted; it resumes by itself…');
    expect(progressText(job({ cancel_requested: true }))).toBe('Cancelling…');
    expect(progressText(job({ state: 'cancelled', total: 0 }))).toBe('Cancelled');
  });

  it('cancels what is not over, asking first for a running job, once', () => {
    expect(mayCancel(job({ state: 'queued' }))).toBe(true);
    expect(mayCancel(job({ state: 'interrupted' }))).toBe(true);
    expect(mayCancel(job({ state: 'running' }))).toBe(true);
    expect(mayCancel(job({ state: 'running', cancel_requested: true }))).toBe(false);
    expect(mayCancel(job({ state: 'succeeded' }))).toBe(false);
    expect(cancelNeedsConfirmation(job({ state: 'running' }))).toBe(true);
    expect(cancelNeedsConfirmation(job({ state: 'queued' }))).toBe(false);
    expect(statusText(job({ cancel_requested: true }))).toBe('Cancelling…');
    // Once cancelled, the request no longer matters.
    expect(statusText(job({ state: 'cancelled', cancel_requested: true }))).toBe('Cancelled');
  });

  it('words the end of a job for a notice', () => {
    expect(endNotice(job({ state: 'succeeded', message: '330 playlists' }))).toEqual({
      text: 'Sync of an account finished: 330 playlists',
      kind: 'success',
    });
    expect(endNotice(job({ state: 'cancelled' })).kind).toBe('info');
    expect(
      endNotice(
        job({
          state: 'failed',
          error: { code: 'needs_reauth', message: 'Reconnect the account', retry_at: null },
        }),
      ),
    ).toEqual({ text: 'Sync of an account failed: Reconnect the account', kind: 'error' });
  });

  it('sums up the items by outcome', () => {
    const item = (outcome: 'done' | 'failed' | 'unchanged') => ({
      key: 'k',
      label: 'l',
      outcome,
      error: null,
      detail: '',
    });
    expect(outcomeSummary([item('failed'), item('done'), item('done'), item('unchanged')])).toBe(
      '2 done, 1 unchanged, 1 failed',
    );
    expect(outcomeSummary([])).toBe('');
  });
});
