// How an import's preview reads for people (issue 14), for the import dialog
// (components/ImportDialog.tsx, its own chunk: keep what the first load needs out of here).
import type { ImportPlaylistPreview, ImportPreview, ImportUndecidedRow } from '../api/client';
import { formatCount, plural } from './format';

export const IMPORT_EXTENSIONS = ['.xlsx', '.csv', '.zip'] as const;
/** The server refuses larger files (413); said before uploading. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** Why a file cannot be imported, before it is sent; null when it may be. */
export function fileProblem(file: { name: string; size: number }): string | null {
  const name = file.name.toLowerCase();
  if (!IMPORT_EXTENSIONS.some((ext) => name.endsWith(ext)))
    return `“${file.name}” is not an Excel workbook (.xlsx), a CSV file or a .zip of CSV files.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > MAX_IMPORT_BYTES)
    return `“${file.name}” is larger than 20 MiB, the most plm reads at once.`;
  return null;
}

export const IMPORT_STATUS: Record<
  ImportPlaylistPreview['status'],
  { text: string; badge: 'ok' | 'neutral' | 'warn' | 'danger' }
> = {
  change: { text: 'Changes', badge: 'ok' },
  unchanged: { text: 'Unchanged', badge: 'neutral' },
  needs_decision: { text: 'Needs a decision', badge: 'warn' },
  refused: { text: 'Refused', badge: 'danger' },
  unknown: { text: 'Unknown playlist', badge: 'danger' },
};

/** Matching still runs: the preview is read again until it ends. */
export function stillMatching(preview: ImportPreview): boolean {
  return preview.matching.done < preview.matching.total;
}

/** "+3 −1 ~2" of a playlist's entry, or '' when it has none or nothing moves. */
export function changeCounts(p: ImportPlaylistPreview): string {
  const e = p.entry;
  if (!e) return '';
  const parts: string[] = [];
  if (e.added_count) parts.push(`+${formatCount(e.added_count)}`);
  if (e.removed_count) parts.push(`−${formatCount(e.removed_count)}`);
  if (e.moved_count) parts.push(`~${formatCount(e.moved_count)}`);
  return parts.join(' ');
}

/** The tags a playlist gets, when they differ from its tags now. */
export function tagChange(p: ImportPlaylistPreview): string | null {
  if (!p.tags) return null;
  const { before, after } = p.tags;
  if (before.length === after.length && before.every((t, i) => t === after[i])) return null;
  const list = (tags: string[]) => (tags.length ? tags.join(', ') : 'none');
  return `tags: ${list(before)} → ${list(after)}`;
}

/** The playlists an apply may choose: those that change (and have an id). */
export function changingIds(preview: ImportPreview): string[] {
  return preview.playlists
    .filter((p) => p.status === 'change' && p.playlist_id !== null)
    .map((p) => p.playlist_id!);
}

/**
 * Spotify calls and seconds of applying only the `chosen` playlists: their entries' calls, and the
 * preview's time in proportion (all of it when every changing playlist is chosen).
 */
export function applyCost(
  preview: ImportPreview,
  chosen: ReadonlySet<string>,
): { calls: number; seconds: number } {
  const entries = preview.playlists.filter(
    (p) => p.playlist_id !== null && chosen.has(p.playlist_id) && p.entry,
  );
  const calls = entries.reduce((sum, p) => sum + p.entry!.calls, 0);
  const seconds = preview.calls > 0 ? (preview.expected_seconds * calls) / preview.calls : 0;
  return { calls, seconds };
}

/** "sheet “Chill”, row 12: Artist – Title" for an undecided row. */
export function rowLabel(row: ImportUndecidedRow): string {
  return `sheet “${row.sheet}”, row ${formatCount(row.row)}: ${row.input || '(empty)'}`;
}

/** "Matching 12 of 40 rows…" or, once done, '' (the summary says the rest). */
export function matchingText(preview: ImportPreview): string {
  const { done, total } = preview.matching;
  if (total === 0 || done >= total) return '';
  return `Matching ${formatCount(done)} of ${plural(total, 'row')} without a URI…`;
}
