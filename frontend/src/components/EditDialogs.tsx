// The dialogs of the playlist editor: move to a position, and the edits that are previewed first
// (remove, sort, shuffle, dedupe, restore): the server plans the edit (POST …/edits/preview) and
// the dialog says what would change and what it costs in Spotify calls before anything is sent.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, describeError, type PlaylistItem } from '../api/client';
import type { EditPreview, EditRequest } from '../lib/edit';
import { formatCount, plural } from '../lib/format';
import { usePreview } from '../lib/use-preview';
import { Dialog, DialogButtons } from './Dialog';
import { FormError, SelectField, Spinner } from './ui';

export function MoveToDialog({
  count,
  length,
  onMove,
  onClose,
}: {
  count: number;
  length: number;
  onMove: (position: number) => void;
  onClose: () => void;
}) {
  const last = length - count + 1;
  const [value, setValue] = useState('1');
  const position = Number(value);
  const valid = Number.isInteger(position) && position >= 1 && position <= last;
  const submit = (e: Event) => {
    e.preventDefault();
    if (!valid) return;
    onMove(position);
    onClose();
  };
  return (
    <Dialog
      title={`Move ${plural(count, 'track')} to a position`}
      onClose={onClose}
      actions={
        <DialogButtons onClose={onClose} label="Move" form="move-to-form" disabled={!valid} />
      }
    >
      <form id="move-to-form" onSubmit={submit} class="field">
        <label for="move-to-position">New position (1 to {formatCount(last)})</label>
        <input
          id="move-to-position"
          class="input"
          type="number"
          min={1}
          max={last}
          value={value}
          data-autofocus
          aria-invalid={!valid}
          aria-describedby="move-to-hint"
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <p id="move-to-hint" class={valid ? 'hint' : 'hint hint-warn'}>
          {valid
            ? 'The first selected track goes there; the others follow it in their order.'
            : `Type a whole number from 1 to ${formatCount(last)}.`}
        </p>
      </form>
    </Dialog>
  );
}

/** The numbers every preview shows: what changes and what it costs. */
export function PreviewFacts({ preview }: { preview: EditPreview }) {
  const replace = preview.replace_everything;
  return (
    <dl class="preview-facts" data-testid="preview-facts">
      <dt>Tracks now</dt>
      <dd>{formatCount(preview.item_count)}</dd>
      <dt>Tracks after</dt>
      <dd>{formatCount(preview.desired.length)}</dd>
      {preview.added.length ? (
        <>
          <dt>Added</dt>
          <dd>{formatCount(preview.added.length)}</dd>
        </>
      ) : null}
      {preview.removed.length ? (
        <>
          <dt>Removed</dt>
          <dd>{formatCount(preview.removed.length)}</dd>
        </>
      ) : null}
      <dt>Moved</dt>
      <dd>{formatCount(preview.moved.length)}</dd>
      <dt>Spotify calls</dt>
      <dd>
        {formatCount(preview.calls)}
        {preview.strategy === 'replace' ? ' (rewriting the whole list)' : ''}
      </dd>
      <dt>Dates added lost</dt>
      <dd>{formatCount(preview.added_at_lost)}</dd>
      <dt>Replacing everything instead</dt>
      <dd>
        {replace.possible
          ? `${plural(replace.calls, 'call')}, ${formatCount(replace.added_at_lost)} dates added lost`
          : `not possible: ${replace.impossible_because}`}
      </dd>
    </dl>
  );
}

/** Names of the rows at some positions of the list the preview was made against. */
function TrackNames({
  list,
  positions,
  label,
}: {
  list: readonly PlaylistItem[];
  positions: readonly { uri: string; position: number }[];
  label: string;
}) {
  const shown = positions.slice(0, 200);
  return (
    <ul class="preview-list" aria-label={label}>
      {shown.map((p) => {
        const item = list[p.position];
        const name = item?.uri === p.uri ? item.name || 'Untitled' : p.uri;
        const who = item?.uri === p.uri ? item.artists.join(', ') : '';
        return (
          <li key={`${p.position}:${p.uri}`}>
            {p.position + 1}. {name}
            {who ? <span class="muted"> — {who}</span> : null}
          </li>
        );
      })}
      {positions.length > shown.length ? (
        <li class="muted">and {formatCount(positions.length - shown.length)} more</li>
      ) : null}
    </ul>
  );
}

interface PreviewDialogProps {
  title: string;
  accountId: number;
  playlistId: string;
  /** The request to preview; a new one (another sort key) previews again. */
  request: EditRequest;
  /** The list the request's positions refer to (to name removed tracks). */
  list: readonly PlaylistItem[];
  confirmLabel: (preview: EditPreview) => string;
  /** Starts the edit with the request as previewed (a shuffle's seed included). */
  onConfirm: (request: EditRequest, preview: EditPreview) => void;
  onClose: () => void;
  /** Choices above the preview (sort key, which copy to keep). */
  children?: ComponentChildren;
}

/** Asks the server what an edit would do, shows it, and starts it on confirmation. */
export function PreviewDialog({
  title,
  accountId,
  playlistId,
  request,
  list,
  confirmLabel,
  onConfirm,
  onClose,
  children,
}: PreviewDialogProps) {
  const [allowReplace, setAllowReplace] = useState(false);
  const asked: EditRequest = allowReplace ? { ...request, allow_replace: true } : request;
  const { data: preview, error } = usePreview(
    () => api.previewEdit(accountId, playlistId, asked),
    `${accountId}/${playlistId}/${JSON.stringify(asked)}`,
  );

  const nothing = preview?.strategy === 'none';
  const confirm = () => {
    if (!preview) return;
    const sent: EditRequest = { ...request };
    if (allowReplace) sent.allow_replace = true;
    if (request.kind === 'shuffle' && preview.seed !== null) sent.seed = preview.seed;
    onConfirm(sent, preview);
    onClose();
  };
  const replace = preview?.replace_everything;
  return (
    <Dialog
      title={title}
      onClose={onClose}
      actions={
        <DialogButtons
          onClose={onClose}
          label={preview ? confirmLabel(preview) : 'Preparing…'}
          onClick={confirm}
          disabled={!preview || nothing}
          danger={request.kind === 'remove'}
          autofocus
        />
      }
    >
      {children}
      {error ? <FormError error={describeError(error)} /> : null}
      {!preview && !error ? <Spinner label="Asking the server what would change…" /> : null}
      {preview ? (
        <div aria-live="polite">
          {nothing ? <p>The playlist already is like this: nothing to do.</p> : null}
          {preview.removed.length ? (
            <>
              <p>
                {plural(preview.removed.length, 'track')}{' '}
                {preview.removed.length === 1 ? 'goes' : 'go'}:
              </p>
              <TrackNames list={list} positions={preview.removed} label="Tracks removed" />
            </>
          ) : null}
          {preview.reinserted.length ? (
            <>
              <p class="hint-warn">
                Spotify removes every copy of a track, so{' '}
                {plural(preview.reinserted.length, 'copy', 'copies')} will be put back and lose
                {preview.reinserted.length === 1 ? ' its' : ' their'} date added:
              </p>
              <TrackNames list={list} positions={preview.reinserted} label="Copies put back" />
            </>
          ) : null}
          <PreviewFacts preview={preview} />
          {replace?.possible && replace.calls < preview.calls && preview.strategy !== 'replace' ? (
            <label class="check-label">
              <input
                type="checkbox"
                checked={allowReplace}
                onChange={(e) => setAllowReplace(e.currentTarget.checked)}
              />{' '}
              Rewrite the whole list when cheaper ({formatCount(replace.added_at_lost)} tracks lose
              their date added)
            </label>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}

export type ReorderChoice =
  | { kind: 'sort'; sortBy: NonNullable<EditRequest['sort_by']>; descending: boolean }
  | { kind: 'shuffle' }
  | { kind: 'dedupe'; keep: 'first' | 'last' };

/** The sort keys of an edit and of a batch, with their names. */
export const SORT_KEYS: readonly (readonly [string, string])[] = [
  ['title', 'Title'],
  ['artist', 'Artist'],
  ['album', 'Album'],
  ['release', 'Release date'],
  ['duration', 'Duration'],
  ['added', 'Date added'],
];

export function reorderRequest(choice: ReorderChoice, snapshot: string): EditRequest {
  switch (choice.kind) {
    case 'sort':
      return {
        kind: 'sort',
        planned_snapshot: snapshot,
        sort_by: choice.sortBy,
        descending: choice.descending,
      };
    case 'shuffle':
      return { kind: 'shuffle', planned_snapshot: snapshot };
    case 'dedupe':
      return { kind: 'dedupe', planned_snapshot: snapshot, keep: choice.keep };
  }
}

/** Sort, shuffle or dedupe, with the choices and the preview of the chosen one. */
export function ReorderDialog({
  initial,
  snapshot,
  ...rest
}: Omit<PreviewDialogProps, 'request' | 'title' | 'confirmLabel' | 'children'> & {
  initial: ReorderChoice;
  snapshot: string;
}) {
  const [choice, setChoice] = useState<ReorderChoice>(initial);
  const title =
    choice.kind === 'sort' ? 'Sort' : choice.kind === 'shuffle' ? 'Shuffle' : 'Remove duplicates';
  return (
    <PreviewDialog
      {...rest}
      title={title}
      request={reorderRequest(choice, snapshot)}
      confirmLabel={(p) =>
        choice.kind === 'dedupe'
          ? `Remove ${plural(p.removed.length, 'duplicate')}`
          : choice.kind === 'shuffle'
            ? 'Shuffle'
            : 'Sort'
      }
    >
      {choice.kind === 'sort' ? (
        <div class="edit-bar">
          <SelectField
            id="sort-by"
            label="Sort by"
            value={choice.sortBy}
            options={SORT_KEYS}
            onChange={(v) =>
              setChoice({ ...choice, sortBy: v as NonNullable<EditRequest['sort_by']> })
            }
          />
          <SelectField
            id="sort-order"
            label="Order"
            value={choice.descending ? 'desc' : 'asc'}
            options={[
              ['asc', 'Ascending'],
              ['desc', 'Descending'],
            ]}
            onChange={(v) => setChoice({ ...choice, descending: v === 'desc' })}
          />
        </div>
      ) : null}
      {choice.kind === 'dedupe' ? (
        <div class="edit-bar">
          <SelectField
            id="dedupe-keep"
            label="Keep"
            value={choice.keep}
            options={[
              ['first', 'The first copy'],
              ['last', 'The last copy'],
            ]}
            onChange={(v) => setChoice({ kind: 'dedupe', keep: v as 'first' | 'last' })}
          />
        </div>
      ) : null}
      {choice.kind === 'shuffle' ? (
        <p class="hint">A random order; the preview shows the one that will be sent.</p>
      ) : null}
    </PreviewDialog>
  );
}
