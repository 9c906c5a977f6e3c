// The playlist's details (name, description, public, collaborative) and its cover, checked in the
// browser as Spotify would (lib/details.ts) so a mistake is said before anything is sent.
import { useState } from 'preact/hooks';
import type { Playlist } from '../api/client';
import {
  DESCRIPTION_MAX,
  NAME_MAX,
  charCount,
  coverProblem,
  detailsChange,
  detailsProblems,
  type DetailsChange,
  type DetailsForm,
} from '../lib/details';
import { Dialog, DialogButtons } from './Dialog';

interface Props {
  playlist: Playlist;
  /** Starts the edits (details first, then the cover); the page runs them and says how they end. */
  onSave: (change: DetailsChange | null, cover: Blob | null) => void;
  onClose: () => void;
}

function Counter({ id, count, max }: { id: string; count: number; max: number }) {
  return (
    <span id={id} class={`hint${count > max ? ' hint-warn' : ''}`}>
      {count} / {max}
    </span>
  );
}

export function DetailsDialog({ playlist, onSave, onClose }: Props) {
  const before: DetailsForm = {
    name: playlist.name,
    description: playlist.description,
    public: playlist.public,
    collaborative: playlist.collaborative,
  };
  const [form, setForm] = useState<DetailsForm>(before);
  const [cover, setCover] = useState<{ file: Blob; problem: string | null } | null>(null);
  const problems = detailsProblems(form, before);
  const change = detailsChange(form, before);
  const valid = Object.keys(problems).length === 0 && !cover?.problem;

  const pickCover = async (file: File | undefined) => {
    if (!file) {
      setCover(null);
      return;
    }
    const head = new Uint8Array(await file.slice(0, 3).arrayBuffer());
    setCover({ file, problem: coverProblem(head, file.size) });
  };

  const submit = (e: Event) => {
    e.preventDefault();
    if (!valid || (!change && !cover)) return;
    onSave(change, cover?.file ?? null);
    onClose();
  };

  return (
    <Dialog
      title="Edit details"
      onClose={onClose}
      actions={
        <DialogButtons
          onClose={onClose}
          label="Save"
          form="details-form"
          disabled={!valid || (!change && !cover)}
        />
      }
    >
      <form id="details-form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="details-name">Name</label>
          <input
            id="details-name"
            class="input"
            value={form.name}
            data-autofocus
            aria-invalid={!!problems.name}
            aria-describedby="details-name-count details-name-error"
            onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
          />
          <Counter id="details-name-count" count={charCount(form.name.trim())} max={NAME_MAX} />
          {problems.name ? (
            <p id="details-name-error" class="form-error" role="alert">
              {problems.name}
            </p>
          ) : null}
        </div>
        <div class="field">
          <label for="details-description">Description</label>
          <textarea
            id="details-description"
            class="input"
            rows={3}
            value={form.description}
            aria-invalid={!!problems.description}
            aria-describedby="details-description-count details-description-error"
            onInput={(e) => setForm({ ...form, description: e.currentTarget.value })}
          />
          <Counter
            id="details-description-count"
            count={charCount(form.description)}
            max={DESCRIPTION_MAX}
          />
          {problems.description ? (
            <p id="details-description-error" class="form-error" role="alert">
              {problems.description}
            </p>
          ) : null}
        </div>
        <fieldset class="field">
          <legend>Who can see it</legend>
          <label class="check-label">
            <input
              type="radio"
              name="details-visibility"
              checked={form.public}
              onChange={() => setForm({ ...form, public: true, collaborative: false })}
            />
            Public
          </label>{' '}
          <label class="check-label">
            <input
              type="radio"
              name="details-visibility"
              checked={!form.public}
              onChange={() => setForm({ ...form, public: false })}
            />
            Private
          </label>
        </fieldset>
        <div class="field">
          <label class="check-label">
            <input
              type="checkbox"
              checked={form.collaborative}
              disabled={form.public}
              aria-describedby="details-collaborative-hint"
              onChange={(e) => setForm({ ...form, collaborative: e.currentTarget.checked })}
            />
            Collaborative
          </label>
          <p id="details-collaborative-hint" class="hint">
            {problems.collaborative ?? 'Only a private playlist can be collaborative.'}
          </p>
        </div>
        <div class="field">
          <label for="details-cover">New cover (JPEG, at most 192 KiB)</label>
          <input
            id="details-cover"
            class="input"
            type="file"
            accept="image/jpeg"
            aria-describedby="details-cover-error"
            onChange={(e) => void pickCover(e.currentTarget.files?.[0])}
          />
          {cover?.problem ? (
            <p id="details-cover-error" class="form-error" role="alert">
              {cover.problem}
            </p>
          ) : null}
        </div>
      </form>
    </Dialog>
  );
}
