// "Save selection…": names the selected playlists (their ids, as a SELECTOR) so the sidebar can
// select them again. Saving under a name in use replaces that selection, and the dialog says so.
import { useState } from 'preact/hooks';
import { api, describeError, type Playlist, type SavedSelection } from '../api/client';
import { plural } from '../lib/format';
import { selectorOf } from '../lib/workspace';
import { Dialog, DialogButtons } from './Dialog';

const NAME_MAX = 100;

export function SaveSelectionDialog({
  playlists,
  accountId,
  existing,
  onSaved,
  onClose,
}: {
  playlists: readonly Playlist[];
  /** The selection's one account, or null when it spans several. */
  accountId: number | null;
  existing: readonly SavedSelection[];
  onSaved: (saved: SavedSelection) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trimmed = name.trim();
  const problem =
    trimmed === ''
      ? 'A saved selection needs a name.'
      : trimmed.length > NAME_MAX
        ? `At most ${NAME_MAX} characters.`
        : null;
  const replaces = existing.some((s) => s.name === trimmed);
  const save = async (e: Event) => {
    e.preventDefault();
    if (problem || busy) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(
        await api.saveSelection(trimmed, {
          account_id: accountId,
          selector: selectorOf(playlists),
        }),
      );
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Save ${plural(playlists.length, 'playlist')} as a selection`}
      onClose={onClose}
      actions={
        <DialogButtons
          onClose={onClose}
          label={busy ? 'Saving…' : replaces ? 'Replace' : 'Save'}
          form="save-selection-form"
          disabled={problem !== null || busy}
        />
      }
    >
      <form id="save-selection-form" onSubmit={save} class="field">
        <label for="save-selection-name">Name</label>
        <input
          id="save-selection-name"
          class="input"
          value={name}
          maxLength={NAME_MAX}
          data-autofocus
          onInput={(e) => setName(e.currentTarget.value)}
        />
        {replaces ? (
          <p class="muted small">“{trimmed}” exists: saving replaces its playlists.</p>
        ) : null}
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}
