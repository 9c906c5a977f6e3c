// The playlists page's selection bar, above the list (early in the tab order, right after the
// filters): how many are selected (and how many of them the filters hide), select all shown,
// clear, save the selection, and the batch actions.
// A batch runs on one account and only on playlists it may change: a selection over several
// accounts disables the actions, and read-only playlists are named as left out, with the reason.
import type { BatchKind } from './BatchDialog';
import { formatCount } from '../lib/format';
import { readOnlyNote, type SelectionSummary } from '../lib/workspace';

/** The batch actions, in the bar's order (Copy and Merge are the create dialog's, see below). */
export const batchActions: readonly [BatchKind, string][] = [
  ['add', 'Add tracks…'],
  ['remove', 'Remove tracks…'],
  ['replace', 'Replace…'],
  ['dedupe', 'Dedupe…'],
  ['sort', 'Sort…'],
  ['shuffle', 'Shuffle…'],
  ['rename', 'Rename…'],
  ['visibility', 'Visibility…'],
  ['duplicates', 'Find duplicates…'],
];

interface Props {
  summary: SelectionSummary;
  /** How many playlists the filters show, and whether all of them are selected. */
  shown: number;
  allShownSelected: boolean;
  /** Editors and admins; viewers only select. */
  canWrite: boolean;
  onSelectAllShown: () => void;
  onClear: () => void;
  onSave: () => void;
  onBatch: (kind: BatchKind) => void;
  /** Copies each selected playlist in turn with the create dialog. */
  onCopy: () => void;
  onMerge: () => void;
}

export function SelectionBar(props: Props) {
  const { summary } = props;
  const count = summary.chosen.length;
  const oneAccount = summary.accountId !== null;
  const readable = summary.chosen.every((p) => p.items_readable);
  const leftOut = readOnlyNote(summary.readOnly);
  // Why the write actions are off, said once for all of them (and as their tooltip).
  const blocked = !oneAccount
    ? 'Select playlists of one account: a batch runs on one account.'
    : summary.writable.length === 0
      ? 'None of the selected playlists can be changed.'
      : null;
  return (
    <div class="selection-bar" role="region" aria-label="Selection">
      <div class="selection-line">
        <strong data-testid="selection-count" aria-live="polite">
          {formatCount(count)} selected
          {summary.hidden > 0 ? ` (${formatCount(summary.hidden)} hidden by the filter)` : ''}
        </strong>
        {!props.allShownSelected && props.shown > 0 ? (
          <button type="button" class="btn-link small" onClick={props.onSelectAllShown}>
            Select all {formatCount(props.shown)} shown
          </button>
        ) : null}
        <button type="button" class="btn-link small" onClick={props.onClear}>
          Clear selection
        </button>
        {props.canWrite ? (
          <button type="button" class="btn-link small" onClick={props.onSave}>
            Save selection…
          </button>
        ) : null}
        {props.canWrite && (blocked || leftOut) ? (
          <span class="selection-note small" data-testid="selection-note">
            {[blocked, leftOut].filter(Boolean).join(' ')}
          </span>
        ) : null}
      </div>
      {props.canWrite ? (
        <div class="selection-actions" role="group" aria-label="Batch actions">
          {batchActions.map(([kind, label]) => {
            // Finding duplicates only reads, so read-only playlists count for it.
            const off = kind === 'duplicates' ? !oneAccount : blocked !== null;
            return (
              <button
                type="button"
                key={kind}
                class="btn btn-small"
                disabled={off}
                title={off ? (blocked ?? undefined) : undefined}
                onClick={() => props.onBatch(kind)}
              >
                {label}
              </button>
            );
          })}
          <button
            type="button"
            class="btn btn-small"
            disabled={!readable}
            title={
              !readable ? 'plm does not hold the tracks of every selected playlist.' : undefined
            }
            onClick={props.onCopy}
          >
            {count === 1 ? 'Copy…' : `Copy ${formatCount(count)}…`}
          </button>
          {count > 1 ? (
            <button
              type="button"
              class="btn btn-small"
              disabled={!oneAccount || !readable}
              title={
                !oneAccount
                  ? 'Only playlists of one account can be merged.'
                  : !readable
                    ? 'plm does not hold the tracks of every selected playlist.'
                    : undefined
              }
              onClick={props.onMerge}
            >
              Merge into a new playlist…
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
