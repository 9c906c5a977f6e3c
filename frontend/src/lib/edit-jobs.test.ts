import { beforeEach, describe, expect, it, vi } from 'vitest';
import { job } from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { runEdit } from './edit-jobs';
import { bus } from './events';
import { jobs, quietJobs } from './jobs';

beforeEach(() => {
  jobs.value = new Map();
});

describe('running an edit', () => {
  it('sees the end of a job that came on the stream before the POST answered', async () => {
    mockApi({
      'POST api/accounts/1/playlists/p1/edits': () => {
        bus.emit('job', job({ id: 'e1', kind: 'edit_playlist', state: 'succeeded' }));
        return json(job({ id: 'e1', kind: 'edit_playlist', state: 'queued' }), 202);
      },
    });
    const ended = await runEdit(1, 'p1', { kind: 'shuffle', planned_snapshot: 's' });
    expect(ended.state).toBe('succeeded');
    expect(quietJobs.has('e1')).toBe(true);
  });

  it('reads the job after a reconnection, when its end may have been missed', async () => {
    mockApi({
      'POST api/accounts/1/playlists/p1/edits': json(
        job({ id: 'e2', kind: 'edit_playlist', state: 'running' }),
        202,
      ),
      'GET api/jobs/e2': json({
        job: job({ id: 'e2', kind: 'edit_playlist', state: 'failed' }),
        items: [],
        history: [],
      }),
    });
    const running = runEdit(1, 'p1', { kind: 'shuffle', planned_snapshot: 's' });
    await vi.waitFor(() => expect(jobs.value.has('e2')).toBe(true));
    bus.emit('reconnected', null);
    expect((await running).state).toBe('failed');
  });
});
