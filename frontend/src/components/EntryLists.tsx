// What the edit engine would do to one playlist (a BatchEntryPreview): the tracks added, removed
// and moved with their positions, and the details before → after. The server sends at most 20 of
// each list with complete counts, so the rest is said as "and N more".
import type { BatchEntryPreview } from '../api/client';
import { formatCount } from '../lib/format';

interface Row {
  key: string;
  text: string;
}

export function EntryLists({
  entry,
  nameOf = (uri) => uri,
}: {
  entry: BatchEntryPreview;
  nameOf?: (uri: string) => string;
}) {
  const lists: [string, number, Row[]][] = [
    [
      'Added',
      entry.added_count,
      entry.added.map((a) => ({
        key: `a${a.position}`,
        text: `${a.position + 1}. ${nameOf(a.uri)}`,
      })),
    ],
    [
      'Removed',
      entry.removed_count,
      entry.removed.map((r) => ({
        key: `r${r.position}`,
        text: `${r.position + 1}. ${nameOf(r.uri)}`,
      })),
    ],
    [
      'Moved',
      entry.moved_count,
      entry.moved.map((m) => ({
        key: `m${m.from}`,
        text: `${nameOf(m.uri)}: ${m.from + 1} → ${m.to + 1}`,
      })),
    ],
    [
      'Details',
      entry.details.length,
      entry.details.map((d) => ({
        key: d.field,
        text: `${d.field}: “${d.before}” → “${d.after}”`,
      })),
    ],
  ];
  return (
    <div class="entry-lists" data-testid="entry-lists">
      {lists
        .filter(([, count]) => count > 0)
        .map(([label, count, rows]) => (
          <div key={label}>
            <p class="small">
              {label} ({formatCount(count)})
            </p>
            <ul class="preview-list" aria-label={label}>
              {rows.map((row) => (
                <li key={row.key}>{row.text}</li>
              ))}
              {count > rows.length ? (
                <li class="muted">and {formatCount(count - rows.length)} more</li>
              ) : null}
            </ul>
          </div>
        ))}
    </div>
  );
}
