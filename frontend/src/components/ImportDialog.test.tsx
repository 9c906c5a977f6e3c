import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportPreview, JobDetails } from '../api/client';
import { setSession } from '../lib/session';
import {
  account,
  batchEntry,
  catalogTrack,
  importPlaylist,
  importPreview,
  items,
  job,
  pasteLine,
  playlist,
  sessionInfo,
} from '../test/fixtures';
import { apiError, json, mockApi } from '../test/server';
import { ImportDialog } from './ImportDialog';

const playlists = [
  playlist({ id: 'p1', name: 'Road Trip' }),
  playlist({ id: 'p2', name: 'Focus' }),
  playlist({ id: 'p3', name: 'Theirs', read_only_reason: 'owned by someone else' }),
];
const stored = {
  id: 7,
  account_id: 1,
  file_name: 'plan.xlsx',
  created_at: '2026-03-01T10:00:00Z',
  paste_id: 'paste-9',
  job_id: 'job-match',
  playlists: 2,
  rows: 14,
  rows_to_match: 2,
};
const issue = {
  severity: 'warning' as const,
  sheet: 'Road Trip',
  row: 12,
  column: 'A',
  message: 'the position 3 is not the row’s place (4): the row order counts',
  where: 'sheet “Road Trip”, row 12, column A',
};
const undecided = {
  sheet: 'Focus',
  row: 5,
  paste_line: 4,
  input: 'Band – Song',
  status: 'ambiguous' as const,
  candidates: [
    { track: catalogTrack('one', { name: 'Song One' }), score: 0.7 },
    { track: catalogTrack('two', { name: 'Song Two' }), score: 0.6 },
  ],
};
const roadTrip = importPlaylist({
  entry: batchEntry({
    added_count: 2,
    removed_count: 1,
    moved_count: 1,
    added: [
      { uri: 'spotify:track:new1', position: 0 },
      { uri: 'spotify:track:new2', position: 4 },
    ],
    removed: [{ uri: 'spotify:track:old', position: 2 }],
    moved: [{ uri: 'spotify:track:m', from: 5, to: 1 }],
    details: [{ field: 'description', before: 'old words', after: 'new words' }],
    calls: 6,
  }),
  tags: { before: ['road'], after: ['road', 'summer'] },
});

function previewAt(stage: 'matching' | 'deciding' | 'decided'): ImportPreview {
  const focus =
    stage === 'decided'
      ? importPlaylist({
          sheet: 'Focus',
          playlist_id: 'p2',
          name: 'Focus',
          entry: batchEntry({ playlist_id: 'p2', name: 'Focus', calls: 4 }),
        })
      : importPlaylist({
          sheet: 'Focus',
          playlist_id: 'p2',
          name: 'Focus',
          status: 'needs_decision',
          reason: '1 row waits for a decision',
          entry: null,
          undecided: [stage === 'matching' ? { ...undecided, status: 'pending' } : undecided],
        });
  return importPreview(
    [
      roadTrip,
      focus,
      importPlaylist({
        sheet: 'Lost',
        playlist_id: null,
        name: 'Lost',
        status: 'unknown',
        reason: 'no stored playlist has this id',
        entry: null,
      }),
    ],
    {
      import: stored,
      matching: { done: stage === 'matching' ? 1 : 2, total: 2 },
      summary:
        stage === 'decided' ? '2 playlists change, 1 unknown' : '1 playlist changes, 1 waits',
      issues: [issue],
      calls: 10,
      expected_seconds: 5,
    },
  );
}

function chooseFile(name = 'plan.xlsx', size = 2048) {
  const file = new File([new Uint8Array(size)], name);
  const input = screen.getByLabelText('File to import');
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  fireEvent.change(input);
}

function open(props: Partial<Parameters<typeof ImportDialog>[0]> = {}) {
  const onClose = vi.fn();
  render(
    <ImportDialog
      accounts={[account()]}
      playlists={playlists}
      accountId={1}
      onClose={onClose}
      pollMs={5}
      {...props}
    />,
  );
  return onClose;
}

beforeEach(() => setSession(sessionInfo('editor')));

describe('ImportDialog', () => {
  it('uploads, follows the matching, takes a decision, applies the chosen playlists and shows the job', async () => {
    let stage: 'matching' | 'deciding' | 'decided' = 'matching';
    let reads = 0;
    const details: JobDetails = {
      job: job({ id: 'b1', kind: 'batch_edit', state: 'running', done: 0, total: 1 }),
      items: [{ key: 'p2', label: 'Focus', outcome: 'pending', detail: '', error: null }],
      history: [],
    };
    const { calls } = mockApi({
      'POST api/accounts/1/imports': json(stored, 201),
      'GET api/imports/7/preview': () => {
        reads++;
        const answer = previewAt(stage);
        if (stage === 'matching') stage = 'deciding';
        return json(answer);
      },
      'PUT api/pastes/paste-9/lines/4': () => {
        stage = 'decided';
        return json(pasteLine(4, { status: 'matched', decision: 'accepted' }));
      },
      'POST api/imports/7/apply': json({ job: details.job, tags_changed: 1 }, 202),
      'GET api/jobs/b1': () => json(details),
      'GET api/accounts/1/playlists/p1/items': json({
        items: [{ ...items(1)[0]!, uri: 'spotify:track:old', name: 'Old Song', artists: ['Band'] }],
        snapshot_id: 'snap',
        total: 1,
      }),
    });
    open();
    // Only the account's playlists that may change are offered as a target.
    const target = screen.getByLabelText('A file of one sheet of tracks goes to');
    expect([...target.querySelectorAll('option')].map((o) => o.textContent)).toEqual([
      'The playlist the file names',
      'Road Trip',
      'Focus',
    ]);
    fireEvent.change(target, { target: { value: 'p2' } });
    chooseFile();
    expect(screen.getByText('plan.xlsx, 2 kB')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Upload and preview' }));

    await screen.findByTestId('import-preview');
    const upload = calls.find((c) => c.method === 'POST')!;
    expect(upload.url.searchParams.get('file_name')).toBe('plan.xlsx');
    expect(upload.url.searchParams.get('playlist_id')).toBe('p2');
    expect(upload.headers['content-type']).toBe('application/octet-stream');
    // While rows are matched the progress line shows and nothing may be applied.
    expect(screen.getByTestId('import-matching').textContent).toBe(
      'Matching 1 of 2 rows without a URI…',
    );
    expect(
      (screen.getByRole('button', { name: 'Apply 1 playlist' }) as HTMLButtonElement).disabled,
    ).toBe(true);

    // The next read (a poll) has the matching done: polling stops there.
    const choose = await screen.findByRole('button', {
      name: 'Take Song Two by Band for row 5',
    });
    expect(screen.queryByTestId('import-matching')).toBeNull();
    const readsWhenDone = reads;
    await new Promise((r) => setTimeout(r, 40));
    expect(reads).toBe(readsWhenDone);

    const rows = screen.getAllByTestId('import-playlist');
    expect(rows.map((r) => r.getAttribute('data-status'))).toEqual([
      'change',
      'needs_decision',
      'unknown',
    ]);
    expect(rows[0]!.textContent).toContain('+2 −1 ~1');
    expect(rows[0]!.textContent).toContain('tags: road → road, summer');
    expect(rows[1]!.textContent).toContain('Needs a decision');
    expect(rows[2]!.textContent).toContain('no stored playlist has this id');
    expect(screen.getByTestId('import-issues').textContent).toContain(
      'sheet “Road Trip”, row 12, column A: the position 3',
    );

    // The lists, expanded.
    fireEvent.click(
      within(rows[0]!).getByRole('button', { name: 'Show the changes of Road Trip' }),
    );
    const lists = within(rows[0]!).getByTestId('entry-lists');
    expect(within(lists).getByRole('list', { name: 'Added' }).textContent).toContain(
      '1. spotify:track:new1',
    );
    // A track the playlist holds is named (its items read when the lists open).
    await waitFor(() =>
      expect(within(lists).getByRole('list', { name: 'Removed' }).textContent).toBe(
        '3. Old Song – Band',
      ),
    );
    expect(within(lists).getByRole('list', { name: 'Moved' }).textContent).toBe(
      'spotify:track:m: 6 → 2',
    );
    expect(within(lists).getByRole('list', { name: 'Details' }).textContent).toBe(
      'description: “old words” → “new words”',
    );

    // A decision goes to the import's paste, then the preview is read again.
    fireEvent.click(choose);
    await waitFor(() =>
      expect(screen.getAllByTestId('import-playlist')[1]!.getAttribute('data-status')).toBe(
        'change',
      ),
    );
    expect(document.activeElement).toBe(screen.getByTestId('import-summary'));
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({
      decision: 'accept',
      uri: 'spotify:track:two',
    });

    // Leave Road Trip out: one playlist, its calls and time in the confirm step.
    fireEvent.click(screen.getByRole('checkbox', { name: 'Apply to Road Trip' }));
    fireEvent.click(screen.getByRole('button', { name: 'Apply 1 playlist' }));
    expect(screen.getByTestId('import-confirm').textContent).toContain('about 4 calls, about 2 s');
    fireEvent.click(screen.getByRole('button', { name: 'Yes, apply 1 playlist' }));
    await screen.findByTestId('batch-job');
    expect(calls.find((c) => c.url.pathname.endsWith('/apply'))!.body).toEqual({
      playlist_ids: ['p2'],
    });
    expect(screen.getByRole('link', { name: 'Open the job’s page' }).getAttribute('href')).toBe(
      '/jobs/b1',
    );
  });

  it("shows the server's reason when the file cannot be read", async () => {
    mockApi({
      'POST api/accounts/1/imports': apiError(
        400,
        'bad_file',
        'plan.xlsx: the zip is truncated (not a workbook)',
      ),
    });
    open();
    chooseFile();
    fireEvent.click(screen.getByRole('button', { name: 'Upload and preview' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'plan.xlsx: the zip is truncated (not a workbook)',
    );
    expect(screen.queryByTestId('import-preview')).toBeNull();
  });

  it("from a playlist's page imports into that playlist", async () => {
    const { calls } = mockApi({ 'POST api/accounts/1/imports': json(stored, 201) });
    open({ playlist: playlists[1]!, accounts: [], playlists: [] });
    expect(screen.getByRole('dialog', { name: 'Import into “Focus”' })).toBeTruthy();
    expect(screen.queryByLabelText('A file of one sheet of tracks goes to')).toBeNull();
    chooseFile('focus.csv');
    fireEvent.click(screen.getByRole('button', { name: 'Upload and preview' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[0]!.url.search).toBe('?file_name=focus.csv&playlist_id=p2');
  });

  it('takes a dropped file, and refuses one of another kind before sending it', async () => {
    const { calls } = mockApi({});
    open();
    const zone = screen.getByTestId('import-drop');
    const drop = (file: File) => {
      const event = new Event('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(event, 'dataTransfer', { value: { files: [file] } });
      fireEvent(zone, event);
    };
    drop(new File(['x'], 'notes.txt'));
    expect(screen.getByText(/“notes.txt” is not an Excel workbook/)).toBeTruthy();
    expect(
      (screen.getByRole('button', { name: 'Upload and preview' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    drop(new File(['a,b'], 'songs.csv'));
    expect(
      (screen.getByRole('button', { name: 'Upload and preview' }) as HTMLButtonElement).disabled,
    ).toBe(false);
    expect(calls).toHaveLength(0);
  });

  it('says when the file is what the playlists already are', async () => {
    mockApi({
      'POST api/accounts/1/imports': json(stored, 201),
      'GET api/imports/7/preview': json(
        importPreview(
          [importPlaylist({ status: 'unchanged', entry: batchEntry({ status: 'unchanged' }) })],
          { import: stored, unchanged: 1 },
        ),
      ),
    });
    open();
    chooseFile();
    fireEvent.click(screen.getByRole('button', { name: 'Upload and preview' }));
    expect((await screen.findByTestId('import-nothing')).textContent).toBe(
      'Nothing to change: the playlists already are what the file says.',
    );
    expect(
      (screen.getByRole('button', { name: 'Apply 0 playlists' }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it('says when applying only set tags (no job)', async () => {
    mockApi({
      'POST api/accounts/1/imports': json(stored, 201),
      'GET api/imports/7/preview': json(
        importPreview(
          [
            importPlaylist({
              status: 'unchanged',
              tags: { before: [], after: ['gym'] },
              entry: batchEntry({ status: 'unchanged', calls: 0 }),
            }),
          ],
          { import: stored, summary: 'import of “plan.xlsx”: no playlist changes' },
        ),
      ),
      'POST api/imports/7/apply': json({ job: null, tags_changed: 1 }, 202),
    });
    open();
    chooseFile();
    fireEvent.click(screen.getByRole('button', { name: 'Upload and preview' }));
    expect((await screen.findByTestId('import-summary')).textContent).toBe(
      'import of “plan.xlsx”: no playlist changes',
    );
    // Tags change, so there is something to do.
    expect(screen.queryByTestId('import-nothing')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Set the tags of 1 playlist' }));
    fireEvent.click(screen.getByRole('button', { name: /^Yes/ }));
    expect((await screen.findByRole('status')).textContent).toContain('Set the tags of 1 playlist');
  });
});
