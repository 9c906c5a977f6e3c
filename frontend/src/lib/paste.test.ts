import { describe, expect, it } from 'vitest';
import { catalogTrack, matchedLine, paste, pasteLine } from '../test/fixtures';
import { emptyForm, formOperation, takePasted } from './batch';
import {
  countLines,
  filterLines,
  mergeLine,
  mergePaste,
  pasteCounts,
  progressSentence,
  statusWord,
  tracksToAdd,
  willAdd,
} from './paste';

describe('countLines', () => {
  it('counts lines as the server splits them: a last line without a break counts, a final break adds none', () => {
    expect(countLines('')).toBe(0);
    expect(countLines('a')).toBe(1);
    expect(countLines('a\n')).toBe(1);
    expect(countLines('a\nb')).toBe(2);
    expect(countLines('a\nb\n')).toBe(2);
    expect(countLines('\n\n')).toBe(2);
    expect(countLines('a\r\nb\r\n')).toBe(2);
    expect(countLines('a\rb\rc')).toBe(3);
    expect(countLines('x\n'.repeat(10_001))).toBe(10_001);
  });
});

describe('mergePaste', () => {
  const first = paste([pasteLine(1), pasteLine(2), pasteLine(3)], { seq: 3 });

  it('starts from the whole paste and merges a since answer by line number', () => {
    const view = mergePaste(null, first);
    expect(view.lines.map((l) => l.status)).toEqual(['pending', 'pending', 'pending']);
    expect(view.seq).toBe(3);
    const next = mergePaste(view, paste([matchedLine(2, 'b', 5)], { seq: 5, line_count: 3 }));
    expect(next.seq).toBe(5);
    expect(next.lines[1]!.status).toBe('matched');
    // Rows that did not change keep their objects (they do not re-render).
    expect(next.lines[0]).toBe(view.lines[0]);
    expect(next.lines[2]).toBe(view.lines[2]);
  });

  it('returns the same view when an answer changes nothing', () => {
    const view = mergePaste(null, first);
    expect(mergePaste(view, paste([], { seq: 3, line_count: 3 }))).toBe(view);
  });

  it('never lets a late answer undo a newer state of a line', () => {
    let view = mergePaste(null, first);
    const skipped = { ...matchedLine(2, 'b', 9), decision: 'skipped' as const };
    view = mergeLine(view, skipped);
    // A read that started before the decision: line 2 as matched with seq 5.
    view = mergePaste(view, paste([matchedLine(2, 'b', 5)], { seq: 5, line_count: 3 }));
    expect(view.lines[1]).toBe(skipped);
    expect(view.seq).toBe(5);
  });

  it('keeps the seq of reads when a decision answers a line (lines matched before it are still read)', () => {
    let view = mergePaste(null, first);
    view = mergeLine(view, { ...matchedLine(1, 'a', 12), decision: 'accepted' });
    expect(view.seq).toBe(3);
    // The answers of the same read arriving out of order: the larger seq stays.
    view = mergePaste(view, paste([matchedLine(3, 'c', 11)], { seq: 12, line_count: 3 }));
    view = mergePaste(view, paste([matchedLine(3, 'c', 10)], { seq: 10, line_count: 3 }));
    expect(view.seq).toBe(12);
    expect(view.lines[2]!.seq).toBe(11);
  });

  it('starts again for another paste, and fills lines an answer skipped', () => {
    const view = mergePaste(null, first);
    const other = mergePaste(view, paste([matchedLine(1, 'x', 1)], { id: 'p2', line_count: 2 }));
    expect(other.id).toBe('p2');
    expect(other.lines.map((l) => l.line)).toEqual([1, 2]);
    expect(other.lines[1]!.status).toBe('pending');
  });
});

describe('counts, filters and what is added', () => {
  const lines = [
    matchedLine(1, 'a', 1),
    pasteLine(2, { status: 'ambiguous', seq: 2, candidates: [] }),
    pasteLine(3, { status: 'not_found', seq: 3 }),
    pasteLine(4, { status: 'invalid', input: '', reason: 'blank', seq: 4 }),
    { ...matchedLine(5, 'e', 5), decision: 'skipped' as const },
    {
      ...pasteLine(6, { status: 'ambiguous', seq: 6 }),
      decision: 'picked' as const,
      uri: catalogTrack('f').uri,
      track: catalogTrack('f'),
    },
    matchedLine(7, 'a', 7), // the same track as line 1
    pasteLine(8),
    { ...pasteLine(9, { status: 'not_found', seq: 9 }), decision: 'skipped' as const },
  ];

  it('counts every filter in one pass', () => {
    expect(pasteCounts(lines)).toEqual({
      all: 9,
      decide: 2,
      matched: 3,
      skipped: 2,
      pending: 1,
      invalid: 1,
    });
  });

  it('filters: needs a decision is undecided ambiguous and not-found lines', () => {
    expect(filterLines(lines, 'all')).toBe(lines);
    expect(filterLines(lines, 'decide').map((l) => l.line)).toEqual([2, 3]);
    expect(filterLines(lines, 'matched').map((l) => l.line)).toEqual([1, 6, 7]);
    expect(filterLines(lines, 'skipped').map((l) => l.line)).toEqual([5, 9]);
  });

  it('adds matched-not-skipped, accepted and picked tracks in line order, each once', () => {
    expect(lines.map(willAdd)).toEqual([
      true,
      false,
      false,
      false,
      false,
      true,
      true,
      false,
      false,
    ]);
    const toAdd = tracksToAdd(lines);
    expect(toAdd.uris).toEqual(['spotify:track:a', 'spotify:track:f']);
    expect(toAdd.tracks.map((t) => t.uri)).toEqual(toAdd.uris);
    expect(toAdd.repeats).toBe(1);
  });

  it('an accepted candidate of an ambiguous line is added; a skipped match is not', () => {
    const accepted = {
      ...pasteLine(1, { status: 'ambiguous' }),
      decision: 'accepted' as const,
      uri: 'spotify:track:z',
      track: null,
    };
    const toAdd = tracksToAdd([accepted]);
    expect(toAdd.uris).toEqual(['spotify:track:z']);
    expect(toAdd.tracks).toEqual([]);
    expect(statusWord(accepted).text).toBe('Accepted');
    expect(statusWord(lines[2]!).text).toBe('Not found');
  });

  it('says how matching goes, then how it went', () => {
    const counts = pasteCounts(lines);
    expect(progressSentence(counts, false)).toBe('Matching 9 lines: 8 done.');
    expect(progressSentence({ ...counts, pending: 0 }, false)).toBe(
      'Matched 9 lines: 3 to add, 2 need a decision, 2 skipped, 1 blank or not understood.',
    );
    expect(progressSentence(counts, true)).toContain('1 not matched (stopped)');
  });
});

describe('takePasted (the batch form)', () => {
  it('puts tracks with catalog data among the picked ones and bare URIs in the pasted text, each once', () => {
    const form = { ...emptyForm('add'), pasted: 'spotify:track:x', picked: [catalogTrack('a')] };
    const next = takePasted(form, {
      uris: ['spotify:track:a', 'spotify:track:b', 'spotify:track:c', 'spotify:track:x'],
      tracks: [catalogTrack('a'), catalogTrack('b')],
    });
    expect(next.picked.map((t) => t.uri)).toEqual(['spotify:track:a', 'spotify:track:b']);
    expect(next.pasted).toBe('spotify:track:x\nspotify:track:c');
    const planned = formOperation(next);
    expect('operation' in planned && planned.operation.uris).toEqual([
      'spotify:track:x',
      'spotify:track:c',
      'spotify:track:a',
      'spotify:track:b',
    ]);
  });
});
