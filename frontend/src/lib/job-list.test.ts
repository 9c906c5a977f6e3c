import { describe, expect, it } from 'vitest';
import { job } from '../test/fixtures';
import {
  appendPage,
  decodeJobFilter,
  encodeJobFilter,
  filterStates,
  matchesFilter,
  mergeJob,
  type JobRows,
} from './job-list';

const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00Z`;
const ids = (rows: JobRows) => rows.jobs.map((j) => j.id);

describe('job list', () => {
  it('keeps the state filter in the query string, ignoring what it does not know', () => {
    expect(decodeJobFilter('state=running')).toBe('running');
    expect(decodeJobFilter('state=active&x=1')).toBe('active');
    expect(decodeJobFilter('state=partial')).toBe('all');
    expect(decodeJobFilter('')).toBe('all');
    expect(encodeJobFilter('all')).toBe('');
    expect(encodeJobFilter('cancelled')).toBe('state=cancelled');
    expect(filterStates('active')).toBe('queued,running,interrupted');
    expect(filterStates('failed')).toBe('failed');
    expect(filterStates('all')).toBeUndefined();
    expect(matchesFilter(job({ state: 'interrupted' }), 'active')).toBe(true);
    expect(matchesFilter(job({ state: 'succeeded' }), 'active')).toBe(false);
  });

  it('updates a shown job in place, even when it leaves the filtered state', () => {
    const rows: JobRows = {
      jobs: [job({ id: 'b', created_at: at(2) }), job({ id: 'a', created_at: at(1) })],
      nextBefore: null,
    };
    const next = mergeJob(rows, job({ id: 'a', state: 'succeeded', done: 40 }), 'active');
    expect(ids(next)).toEqual(['b', 'a']);
    expect(next.jobs[1]!.state).toBe('succeeded');
    // A late, older event of it (still running) does not bring it back.
    const late = mergeJob(next, job({ id: 'a', state: 'running', done: 39 }), 'active');
    expect(late.jobs[1]!.state).toBe('succeeded');
  });

  it('adds a new job on top when it matches the filter, and not otherwise', () => {
    const rows: JobRows = { jobs: [job({ id: 'a', created_at: at(1) })], nextBefore: 'a' };
    expect(ids(mergeJob(rows, job({ id: 'n', created_at: at(5) }), 'all'))).toEqual(['n', 'a']);
    expect(ids(mergeJob(rows, job({ id: 'n', created_at: at(5) }), 'failed'))).toEqual(['a']);
    expect(ids(mergeJob({ jobs: [], nextBefore: null }, job({ id: 'n' }), 'all'))).toEqual(['n']);
  });

  it('leaves a job older than every loaded row to its own page, unless nothing is older', () => {
    const rows: JobRows = {
      jobs: [job({ id: 'c', created_at: at(3) }), job({ id: 'b', created_at: at(2) })],
      nextBefore: 'b',
    };
    const old = job({ id: 'a', created_at: at(1), state: 'interrupted' });
    expect(mergeJob(rows, old, 'all')).toBe(rows);
    expect(ids(mergeJob({ ...rows, nextBefore: null }, old, 'all'))).toEqual(['c', 'b', 'a']);
    // Within the loaded range it goes where its time puts it.
    const middle = job({ id: 'm', created_at: '2026-03-01T10:02:30Z' });
    expect(ids(mergeJob(rows, middle, 'all'))).toEqual(['c', 'm', 'b']);
  });

  it('appends a page without doubling a job an event already added', () => {
    const rows: JobRows = { jobs: [job({ id: 'c' }), job({ id: 'b' })], nextBefore: 'b' };
    const next = appendPage(rows, [job({ id: 'b' }), job({ id: 'a' })], null);
    expect(ids(next)).toEqual(['c', 'b', 'a']);
    expect(next.nextBefore).toBeNull();
  });
});
