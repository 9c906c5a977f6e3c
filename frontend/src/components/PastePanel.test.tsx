import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { JobDetails, Paste, PasteLine } from '../api/client';
import { bus } from '../lib/events';
import type { TracksToAdd } from '../lib/paste';
import { catalogTrack, job, matchedLine, paste, pasteLine } from '../test/fixtures';
import { json, mockApi, type Call } from '../test/server';
import { PastePanel } from './PastePanel';

const matchJob = (state: 'running' | 'succeeded', done: number) =>
  job({ id: 'job-paste', kind: 'match_paste', unit: 'lines', state, done, total: 3 });

/** A fake server holding the paste's lines; `since` answers only lines with a larger seq. */
function pasteServer() {
  let lines: PasteLine[] = [
    pasteLine(1, { seq: 1 }),
    pasteLine(2, { seq: 2 }),
    pasteLine(3, { seq: 3 }),
  ];
  const seq = () => Math.max(...lines.map((l) => l.seq));
  const answer = (since: number): Paste =>
    paste(
      lines.filter((l) => l.seq > since),
      { seq: seq(), line_count: 3 },
    );
  const set = (line: PasteLine) => (lines = lines.map((l) => (l.line === line.line ? line : l)));
  let details: JobDetails = { job: matchJob('running', 0), items: [], history: [] };
  const routes = mockApi({
    'POST api/accounts/1/pastes': () => json(answer(0), 202),
    'GET api/pastes/paste-1': (call: Call) =>
      json(answer(Number(call.url.searchParams.get('since') ?? 0))),
    'GET api/jobs/job-paste': () => json(details),
    'PUT api/pastes/paste-1/lines/3': () => {
      set({ ...lines[2]!, decision: 'skipped', seq: seq() + 1 });
      return json(lines[2]);
    },
    'PUT api/pastes/paste-1/lines/2': (call: Call) => {
      const uri = (call.body as { uri: string }).uri;
      const track = lines[1]!.candidates.find((c) => c.track.uri === uri)!.track;
      set({ ...lines[1]!, decision: 'accepted', uri, track, seq: seq() + 1 });
      return json(lines[1]);
    },
  });
  return {
    ...routes,
    set,
    end: () => (details = { ...details, job: matchJob('succeeded', 3) }),
  };
}

const row = (n: number) =>
  screen.getAllByTestId('paste-line').find((r) => r.getAttribute('data-line') === String(n))!;

describe('PastePanel', () => {
  it('counts lines as typed and refuses more than 10,000', () => {
    mockApi({});
    render(<PastePanel accountId={1} renderActions={() => null} />);
    const area = screen.getByLabelText('Lines to match, one track per line');
    fireEvent.input(area, { target: { value: 'a - b\nc - d\n' } });
    expect(screen.getByText(/^2 lines of at most 10,000/)).toBeTruthy();
    fireEvent.input(area, { target: { value: 'x\n'.repeat(10_001) } });
    expect(screen.getByText('10,001 lines: at most 10,000 at a time.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Match' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });

  it('matches, fills in live by since, takes decisions with the focus kept, and hands over the tracks', async () => {
    const server = pasteServer();
    const handed: TracksToAdd[] = [];
    render(
      <PastePanel
        accountId={1}
        refreshMs={0}
        searchDelayMs={0}
        renderActions={(toAdd, settled) => (
          <button type="button" disabled={!settled} onClick={() => handed.push(toAdd)}>
            Use them
          </button>
        )}
      />,
    );
    fireEvent.input(screen.getByLabelText('Lines to match, one track per line'), {
      target: { value: 'Band - Song a\nBand - Song\nnonsense' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Match' }));
    await screen.findByTestId('paste-results');
    const post = server.calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ text: 'Band - Song a\nBand - Song\nnonsense' });
    expect(screen.getAllByTestId('paste-line')).toHaveLength(3);
    expect(row(1).getAttribute('data-status')).toBe('pending');
    await waitFor(() =>
      expect(screen.getByTestId('paste-status').textContent).toBe('Matching 3 lines: 0 done.'),
    );

    // The job matches the lines; its event re-reads what changed after the seq held.
    server.set(matchedLine(1, 'a', 4));
    server.set(
      pasteLine(2, {
        status: 'ambiguous',
        seq: 5,
        candidates: [
          { track: catalogTrack('x', { name: 'Song (Live)' }), score: 0.8 },
          { track: catalogTrack('y'), score: 0.78 },
        ],
      }),
    );
    server.set(pasteLine(3, { status: 'not_found', seq: 6 }));
    act(() => bus.emit('job', matchJob('running', 3)));
    await waitFor(() => expect(row(3).getAttribute('data-status')).toBe('not_found'));
    const reads = server.calls.filter(
      (c) => c.method === 'GET' && c.url.pathname.endsWith('paste-1'),
    );
    expect(reads.at(-1)!.url.searchParams.get('since')).toBe('3');
    expect(within(row(1)).getByText('Song a')).toBeTruthy();
    expect(within(row(1)).getByText('Band · Record · 3:20')).toBeTruthy();
    expect(within(row(1)).getByText('97%')).toBeTruthy();
    expect(within(row(2)).getByText('2 candidates: choose one')).toBeTruthy();

    // Skip line 3: the focus moves to its Undo.
    within(row(3)).getByRole('button', { name: 'Skip line 3' }).focus();
    fireEvent.click(within(row(3)).getByRole('button', { name: 'Skip line 3' }));
    await waitFor(() => expect(row(3).getAttribute('data-decision')).toBe('skipped'));
    expect(server.calls.at(-1)!.body).toEqual({ decision: 'skip' });
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Undo the decision on line 3');
    expect(screen.getByTestId('paste-status').textContent).toBe('Line 3 skipped.');

    // Needs a decision: line 2 alone; choose its second candidate.
    const filters = screen.getByRole('group', { name: 'Show lines' });
    expect(within(filters).getByRole('button', { name: /Needs a decision/ }).textContent).toBe(
      'Needs a decision 1',
    );
    fireEvent.click(within(filters).getByRole('button', { name: /Needs a decision/ }));
    expect(screen.getAllByTestId('paste-line').map((r) => r.getAttribute('data-line'))).toEqual([
      '2',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Choose a track for line 2' }));
    const dialog = await screen.findByRole('dialog', { name: 'Choose a track for line 2' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Take Song y by Band' }));
    await waitFor(() => expect(screen.queryByTestId('paste-line')).toBeNull());
    expect(server.calls.at(-1)!.body).toEqual({ decision: 'accept', uri: 'spotify:track:y' });
    expect(screen.getByTestId('paste-empty').textContent).toBe(
      'No lines under “Needs a decision”.',
    );
    // No row is left under the filter: the focus goes to the filter's button.
    expect(document.activeElement?.getAttribute('data-filter')).toBe('decide');

    // The job ends: adding is offered, with the tracks in line order.
    expect((screen.getByRole('button', { name: 'Use them' }) as HTMLButtonElement).disabled).toBe(
      false,
    );
    server.end();
    act(() => bus.emit('job', matchJob('succeeded', 3)));
    await waitFor(() =>
      expect(screen.getByTestId('paste-progress').textContent).toBe(
        'Matched 3 lines: 2 to add, 1 skipped.',
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Use them' }));
    expect(handed[0]!.uris).toEqual(['spotify:track:a', 'spotify:track:y']);
  });

  it('says the matching ended only once the lines read after its end are in', async () => {
    let lines = [matchedLine(1, 'a', 4), pasteLine(2, { seq: 2 })];
    let release: (() => void) | null = null;
    mockApi({
      'POST api/accounts/1/pastes': json(
        paste([pasteLine(1, { seq: 1 }), pasteLine(2, { seq: 2 })]),
        202,
      ),
      'GET api/pastes/paste-1': async (call: Call) => {
        const since = Number(call.url.searchParams.get('since') ?? 0);
        if (release === null) await new Promise<void>((r) => (release = r));
        return json(
          paste(
            lines.filter((l) => l.seq > since),
            { seq: 5, line_count: 2 },
          ),
        );
      },
      'GET api/jobs/job-paste': json({ job: matchJob('running', 1), items: [], history: [] }),
    });
    render(<PastePanel accountId={1} refreshMs={0} renderActions={() => null} />);
    fireEvent.input(screen.getByLabelText('Lines to match, one track per line'), {
      target: { value: 'a\nb' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Match' }));
    await screen.findByTestId('paste-results');
    // The job's last line is saved and the job ends; its end event comes before the read.
    await waitFor(() => expect(release).not.toBeNull());
    lines = [matchedLine(1, 'a', 4), matchedLine(2, 'b', 5)];
    act(() => bus.emit('job', { ...matchJob('succeeded', 2), total: 2 }));
    expect(screen.getByTestId('paste-progress').textContent).toBe('0 of 2 lines matched…');
    act(() => release!());
    await waitFor(() =>
      expect(screen.getByTestId('paste-progress').textContent).toBe('Matched 2 lines: 2 to add.'),
    );
  });
});
