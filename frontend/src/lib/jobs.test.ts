import { describe, expect, it } from 'vitest';
import { job } from '../test/fixtures';
import { activeAccountJob, activePlaylistJob, jobFraction } from './jobs';

describe('jobs', () => {
  it('finds the newest active job of an account or playlist', () => {
    const all = new Map(
      [
        job({ id: 'old', created_at: '2026-03-01T09:00:00Z' }),
        job({ id: 'new', created_at: '2026-03-01T11:00:00Z' }),
        job({ id: 'done', state: 'succeeded', created_at: '2026-03-01T12:00:00Z' }),
        job({ id: 'other', account_id: 2 }),
        job({ id: 'pl', kind: 'sync_playlist', account_id: 3, playlist_id: 'p1' }),
      ].map((j) => [j.id, j]),
    );
    expect(activeAccountJob(all, 1)?.id).toBe('new');
    expect(activeAccountJob(all, 3)).toBeNull();
    expect(activePlaylistJob(all, 3, 'p1')?.id).toBe('pl');
    expect(activePlaylistJob(all, 3, 'p2')).toBeNull();
    expect(activePlaylistJob(all, 2, 'anything')?.id).toBe('other');
  });

  it('computes progress, unknown while listing', () => {
    expect(jobFraction(job({ done: 10, total: 40 }))).toBe(0.25);
    expect(jobFraction(job({ done: 0, total: 0 }))).toBeNull();
    expect(jobFraction(job({ done: 50, total: 40 }))).toBe(1);
    expect(jobFraction(job({ kind: 'sync_playlist', done: 0, total: 1 }))).toBeNull();
    expect(jobFraction(job({ kind: 'sync_playlist', state: 'succeeded', done: 1, total: 1 }))).toBe(
      1,
    );
  });
});
