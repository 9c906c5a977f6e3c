// New playlists (empty, a copy of one, or the merge of several), a split by a rule, and unfollowing
// (Spotify's delete). Copies, merges and splits are previewed first (`dry_run`); each runs as a job
// whose end the dialog's caller hears through `runJob` and says in a notice.
import { useState } from 'preact/hooks';
import {
  api,
  describeError,
  type Account,
  type Job,
  type Playlist,
  type CreatePlaylistRequest,
  type CreatePreview,
  type SplitRequest,
  type SplitPreview,
} from '../api/client';
import { NAME_MAX, charCount } from '../lib/details';
import { runJob } from '../lib/edit-jobs';
import { formatCount, plural } from '../lib/format';
import { notify } from '../lib/toast';
import { usePreview } from '../lib/use-preview';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog, DialogButtons } from './Dialog';
import { FormError, SelectField, Spinner } from './ui';

/** Runs a lifecycle job to its end and says how it ended; true when it succeeded. */
export async function runAndTell(start: () => Promise<Job>, done: string): Promise<boolean> {
  try {
    const job = await runJob(start);
    if (job.state === 'succeeded') {
      notify(done, 'success');
      return true;
    }
    notify(`${done.replace(/\.$/, '')} failed: ${job.error?.message ?? job.message}`, 'error');
  } catch (e) {
    notify(describeError(e), 'error');
  }
  return false;
}

export type CreateSource =
  | { kind: 'new' }
  | { kind: 'copy'; playlist: Playlist }
  | { kind: 'merge'; playlists: readonly Playlist[] };

function defaultName(source: CreateSource): string {
  if (source.kind === 'copy') return `Copy of ${source.playlist.name}`;
  if (source.kind === 'merge') return source.playlists.map((p) => p.name).join(' + ');
  return '';
}

export function CreatePlaylistDialog({
  accountId: initialAccount,
  accounts = [],
  source,
  onClose,
}: {
  accountId: number;
  /** Accounts to choose from (a new empty playlist, with more than one account). */
  accounts?: readonly Account[];
  source: CreateSource;
  onClose: () => void;
}) {
  const [accountId, setAccountId] = useState(initialAccount);
  const [name, setName] = useState(() => [...defaultName(source)].slice(0, NAME_MAX).join(''));
  const [isPublic, setPublic] = useState(false);
  const [dedupe, setDedupe] = useState(source.kind === 'merge');
  const nameProblem = !name.trim()
    ? 'A playlist needs a name.'
    : charCount(name.trim()) > NAME_MAX
      ? `At most ${NAME_MAX} characters.`
      : null;
  const request: CreatePlaylistRequest = {
    name: name.trim(),
    public: isPublic,
    collaborative: false,
    dedupe: source.kind !== 'new' && dedupe,
    dry_run: false,
  };
  if (source.kind === 'copy') request.copy_of = source.playlist.id;
  if (source.kind === 'merge') request.merge_of = source.playlists.map((p) => p.id);
  const preview = usePreview<CreatePreview>(
    source.kind !== 'new' && !nameProblem ? () => api.previewCreate(accountId, request) : null,
    JSON.stringify(request),
  );
  const title =
    source.kind === 'copy'
      ? `Copy “${source.playlist.name}”`
      : source.kind === 'merge'
        ? `Merge ${plural(source.playlists.length, 'playlist')}`
        : 'New playlist';
  const ready = !nameProblem && (source.kind === 'new' || preview.data !== null);
  const create = (e: Event) => {
    e.preventDefault();
    if (!ready) return;
    void runAndTell(() => api.createPlaylist(accountId, request), `Created “${request.name}”.`);
    onClose();
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      actions={
        <DialogButtons onClose={onClose} label="Create" form="create-form" disabled={!ready} />
      }
    >
      <form id="create-form" onSubmit={create}>
        <div class="field">
          <label for="create-name">Name</label>
          <input
            id="create-name"
            class="input"
            value={name}
            data-autofocus
            aria-invalid={!!nameProblem}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          {nameProblem ? (
            <p class="form-error" role="alert">
              {nameProblem}
            </p>
          ) : null}
        </div>
        {accounts.length > 1 ? (
          <SelectField
            id="create-account"
            label="Spotify account"
            value={String(accountId)}
            options={accounts.map(
              (a) => [String(a.id), a.display_name || a.spotify_user_id] as const,
            )}
            onChange={(v) => setAccountId(Number(v))}
          />
        ) : null}
        <label class="check-label">
          <input
            type="checkbox"
            checked={isPublic}
            onChange={(e) => setPublic(e.currentTarget.checked)}
          />
          Public
        </label>{' '}
        {source.kind !== 'new' ? (
          <label class="check-label">
            <input
              type="checkbox"
              checked={dedupe}
              onChange={(e) => setDedupe(e.currentTarget.checked)}
            />
            Leave out duplicates
          </label>
        ) : null}
      </form>
      {source.kind !== 'new' ? (
        <div aria-live="polite" data-testid="create-preview">
          {preview.error ? <FormError error={describeError(preview.error)} /> : null}
          {!preview.data && !preview.error && !nameProblem ? <Spinner label="Counting…" /> : null}
          {preview.data ? (
            <p>
              {plural(preview.data.item_count, 'track')}
              {preview.data.duplicates_dropped
                ? `, ${formatCount(preview.data.duplicates_dropped)} duplicates left out`
                : ''}
              {preview.data.local_files_skipped
                ? `, ${formatCount(preview.data.local_files_skipped)} local or unavailable tracks skipped (Spotify cannot add them)`
                : ''}
              .
            </p>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}

const SPLIT_RULES: readonly (readonly [SplitRequest['by'], string])[] = [
  ['size', 'Parts of a fixed size'],
  ['added_year', 'Year added'],
  ['release_year', 'Release year'],
  ['artist', 'First artist'],
];

export function SplitDialog({ playlist, onClose }: { playlist: Playlist; onClose: () => void }) {
  const [by, setBy] = useState<SplitRequest['by']>('size');
  const [size, setSize] = useState('100');
  const [template, setTemplate] = useState('{name} ({part})');
  const sizeValue = Number(size);
  const sizeValid =
    by !== 'size' || (Number.isInteger(sizeValue) && sizeValue >= 1 && sizeValue <= 10_000);
  const request: SplitRequest = { by, name_template: template, dry_run: false };
  if (by === 'size') request.size = sizeValue;
  const preview = usePreview<SplitPreview>(
    sizeValid ? () => api.previewSplit(playlist.account_id, playlist.id, request) : null,
    JSON.stringify(request),
  );
  const parts = preview.data?.parts ?? [];
  const split = () => {
    void runAndTell(
      () => api.splitPlaylist(playlist.account_id, playlist.id, request),
      `Split “${playlist.name}” into ${plural(parts.length, 'playlist')}.`,
    );
    onClose();
  };
  return (
    <Dialog
      title={`Split “${playlist.name}”`}
      onClose={onClose}
      actions={
        <DialogButtons
          onClose={onClose}
          label={parts.length ? `Create ${plural(parts.length, 'playlist')}` : 'Create'}
          onClick={split}
          disabled={!sizeValid || parts.length === 0}
        />
      }
    >
      <p class="hint">The playlist stays as it is; new playlists are created beside it.</p>
      <div class="edit-bar">
        <SelectField
          id="split-by"
          label="Split by"
          value={by}
          options={SPLIT_RULES}
          onChange={(v) => setBy(v as SplitRequest['by'])}
        />
        {by === 'size' ? (
          <div class="field field-compact">
            <label for="split-size" class="label-small">
              Tracks per playlist
            </label>
            <input
              id="split-size"
              class="input input-small"
              type="number"
              min={1}
              max={10_000}
              value={size}
              aria-invalid={!sizeValid}
              onInput={(e) => setSize(e.currentTarget.value)}
            />
          </div>
        ) : null}
        <div class="field field-compact">
          <label for="split-template" class="label-small">
            Names ({'{name}'} and {'{part}'} are replaced)
          </label>
          <input
            id="split-template"
            class="input input-small"
            value={template}
            maxLength={200}
            onInput={(e) => setTemplate(e.currentTarget.value)}
          />
        </div>
      </div>
      <div aria-live="polite" data-testid="split-preview">
        {preview.error ? <FormError error={describeError(preview.error)} /> : null}
        {!sizeValid ? <p class="form-error">Type a whole number from 1 to 10,000.</p> : null}
        {sizeValid && !preview.data && !preview.error ? <Spinner label="Planning…" /> : null}
        {preview.data ? (
          <>
            <ul class="preview-list" aria-label="Playlists to create">
              {parts.map((p) => (
                <li key={p.name}>
                  {p.name} — {plural(p.item_count, 'track')}
                </li>
              ))}
            </ul>
            {preview.data.local_files_skipped ? (
              <p class="hint-warn">
                {plural(preview.data.local_files_skipped, 'local or unavailable track')} cannot be
                added and will be skipped.
              </p>
            ) : null}
          </>
        ) : null}
      </div>
    </Dialog>
  );
}

/** Unfollow (Spotify's delete), after a confirmation that names the playlist. */
export function UnfollowDialog({
  playlist,
  onDone,
  onClose,
}: {
  playlist: Playlist;
  onDone: () => void;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Unfollow “${playlist.name}”?`}
      confirmLabel="Unfollow"
      danger
      onClose={onClose}
      onConfirm={async () => {
        const job = await api.deletePlaylist(playlist.account_id, playlist.id);
        void runAndTell(() => Promise.resolve(job), `Unfollowed “${playlist.name}”.`).then(
          (ok) => ok && onDone(),
        );
      }}
    >
      <p>
        {playlist.owned
          ? 'Spotify deletes a playlist by having its owner unfollow it: it leaves your library and plm’s list. Followers keep it.'
          : 'It leaves your library and plm’s list; its owner keeps it.'}{' '}
        plm keeps its history, so it can be created again from any recorded version.
      </p>
    </ConfirmDialog>
  );
}
