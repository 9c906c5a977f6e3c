import { describe, expect, it } from 'vitest';
import { batchEntry, importPlaylist, importPreview as preview } from '../test/fixtures';
import {
  applyCost,
  changeCounts,
  changingIds,
  fileProblem,
  matchingText,
  rowLabel,
  stillMatching,
  tagChange,
} from './import-preview';

describe('import preview', () => {
  it('counts what changes as +added −removed ~moved', () => {
    const p = importPlaylist({
      entry: batchEntry({ added_count: 3, removed_count: 1, moved_count: 2 }),
    });
    expect(changeCounts(p)).toBe('+3 −1 ~2');
    expect(changeCounts(importPlaylist({ entry: null }))).toBe('');
  });

  it('says a tag change only when the tags differ', () => {
    expect(tagChange(importPlaylist({ tags: { before: ['a'], after: ['a'] } }))).toBeNull();
    expect(tagChange(importPlaylist({ tags: { before: [], after: ['gym', 'x'] } }))).toBe(
      'tags: none → gym, x',
    );
  });

  it('costs only the chosen playlists, the time in proportion', () => {
    const pv = preview([
      importPlaylist({ playlist_id: 'p1', entry: batchEntry({ calls: 6 }) }),
      importPlaylist({ playlist_id: 'p2', entry: batchEntry({ calls: 4 }) }),
      importPlaylist({ playlist_id: 'p3', status: 'unchanged', entry: batchEntry({ calls: 0 }) }),
      importPlaylist({ playlist_id: null, status: 'unknown', entry: null }),
    ]);
    expect(changingIds(pv)).toEqual(['p1', 'p2']);
    expect(applyCost(pv, new Set(['p2']))).toEqual({ calls: 4, seconds: 1.6 });
    expect(applyCost(pv, new Set(['p1', 'p2']))).toEqual({ calls: 10, seconds: 4 });
  });

  it('follows the matching until every row is matched', () => {
    const running = preview([], { matching: { done: 3, total: 40 } });
    expect(stillMatching(running)).toBe(true);
    expect(matchingText(running)).toBe('Matching 3 of 40 rows without a URI…');
    const done = preview([], { matching: { done: 40, total: 40 } });
    expect(stillMatching(done)).toBe(false);
    expect(matchingText(done)).toBe('');
  });

  it('refuses files that are not workbooks or CSV, empty, or too large, before sending', () => {
    expect(fileProblem({ name: 'plan.XLSX', size: 10 })).toBeNull();
    expect(fileProblem({ name: 'songs.csv', size: 10 })).toBeNull();
    expect(fileProblem({ name: 'all.zip', size: 10 })).toBeNull();
    expect(fileProblem({ name: 'plan.ods', size: 10 })).toMatch(/not an Excel workbook/);
    expect(fileProblem({ name: 'a.csv', size: 0 })).toBe('“a.csv” is empty.');
    expect(fileProblem({ name: 'a.csv', size: 21 * 1024 * 1024 })).toMatch(/larger than 20 MiB/);
  });

  it('names an undecided row by its sheet and row', () => {
    expect(
      rowLabel({
        sheet: 'Chill',
        row: 12,
        paste_line: 3,
        input: 'Band – Song',
        status: 'ambiguous',
        candidates: [],
      }),
    ).toBe('sheet “Chill”, row 12: Band – Song');
  });
});
