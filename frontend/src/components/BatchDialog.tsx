// One operation on many playlists: the form of the operation, then the server's preview of it per
// playlist (POST …/batch/preview: what changes, what is refused and why, the Spotify calls and how
// long they take at the rate budget), then the batch_edit job with its live per-playlist results,
// Cancel, and Undo. The 'duplicates' kind first shows the duplicates report (POST …/duplicates),
// from which "Dedupe these playlists" leads to the dedupe batch.
import { useState } from 'preact/hooks';
import {
  api,
  describeError,
  type BatchOperation,
  type BatchRequest,
  type DuplicateReport,
  type Job,
  type Playlist,
} from '../api/client';
import {
  BATCH_TITLES,
  emptyForm,
  expandTemplate,
  formOperation,
  formUris,
  MAX_URIS,
  parseUris,
  takePasted,
  playlistIdOf,
  positionValid,
  type BatchForm,
  type BatchKind,
  type BatchOperationKind,
} from '../lib/batch';
import type { Track } from '../lib/edit';
import { formatCount, plural } from '../lib/format';
import { usePreview } from '../lib/use-preview';
import { BatchJobView, BatchPreviewTable, startBatchJob } from './BatchParts';
import { Dialog } from './Dialog';
import { SORT_KEYS } from './EditDialogs';
import { PastePanelLazy } from './PastePanelLazy';
import { SearchPanel } from './SearchPanel';
import { DataTable, FormError, SelectField, Spinner } from './ui';

export type { BatchKind } from '../lib/batch';
export { playlistIdOf } from '../lib/batch';

interface Props {
  accountId: number;
  /** The selected playlists of the account (the batch's playlist_ids). */
  playlists: Playlist[];
  kind: BatchKind;
  onClose: () => void;
}

type Step =
  | { step: 'duplicates' }
  | { step: 'form' }
  | { step: 'paste' }
  | { step: 'preview'; request: BatchRequest }
  | { step: 'job'; jobId: string };

export function BatchDialog({ accountId, playlists, kind, onClose }: Props) {
  const [form, setForm] = useState<BatchForm>(() =>
    emptyForm(kind === 'duplicates' ? 'dedupe' : kind),
  );
  const [step, setStep] = useState<Step>(
    kind === 'duplicates' ? { step: 'duplicates' } : { step: 'form' },
  );
  const [ids, setIds] = useState<string[]>(() => playlists.map((p) => p.id));
  const title = step.step === 'duplicates' ? BATCH_TITLES.duplicates : BATCH_TITLES[form.kind];
  const many = plural(ids.length, 'selected playlist');

  const close = (
    <button type="button" class="btn" onClick={onClose}>
      Close
    </button>
  );

  if (step.step === 'duplicates') {
    return (
      <Dialog wide title={title} onClose={onClose} actions={close}>
        <DuplicatesReport
          accountId={accountId}
          playlists={playlists}
          onDedupe={(playlistIds) => {
            setIds(playlistIds);
            setForm(emptyForm('dedupe'));
            setStep({ step: 'form' });
          }}
        />
      </Dialog>
    );
  }
  if (step.step === 'job') {
    return (
      <Dialog wide title={title} onClose={onClose} actions={close}>
        <BatchJobView
          jobId={step.jobId}
          onUndoStarted={(job) => setStep({ step: 'job', jobId: job.id })}
        />
      </Dialog>
    );
  }
  if (step.step === 'paste') {
    const back = () => setStep({ step: 'form' });
    return (
      <Dialog
        wide
        title={title}
        onClose={onClose}
        actions={
          <button type="button" class="btn" onClick={back}>
            Back
          </button>
        }
      >
        <PastePanelLazy
          accountId={accountId}
          title="Match pasted lines"
          renderActions={(toAdd, settled) => (
            <>
              {toAdd.uris.length > MAX_URIS ? (
                <p class="hint hint-warn">
                  A batch adds at most {MAX_URIS} tracks at a time: the form will say so until some
                  are dropped.
                </p>
              ) : null}
              <button
                type="button"
                class="btn btn-primary btn-small"
                disabled={!settled || toAdd.uris.length === 0}
                onClick={() => {
                  setForm(takePasted(form, toAdd));
                  back();
                }}
              >
                {`Use ${plural(toAdd.uris.length, 'track')} in the batch`}
              </button>
            </>
          )}
        />
      </Dialog>
    );
  }
  if (step.step === 'preview') {
    return (
      <PreviewStep
        title={title}
        accountId={accountId}
        request={step.request}
        onBack={() => setStep({ step: 'form' })}
        onStarted={(job) => setStep({ step: 'job', jobId: job.id })}
        onClose={onClose}
      />
    );
  }

  const planned = formOperation(form);
  const valid = 'operation' in planned && positionValid(form);
  const preview = (e: Event) => {
    e.preventDefault();
    if (!('operation' in planned) || !valid) return;
    setStep({ step: 'preview', request: { playlist_ids: ids, operation: planned.operation } });
  };
  return (
    <Dialog
      wide
      title={title}
      onClose={onClose}
      actions={
        <>
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="batch-form" class="btn btn-primary" disabled={!valid}>
            Preview
          </button>
        </>
      }
    >
      <form id="batch-form" class="batch-form" onSubmit={preview} data-testid="batch-form">
        <p class="muted">For {many}.</p>
        <SelectField
          id="batch-kind"
          label="Operation"
          value={form.kind}
          options={OPERATION_OPTIONS}
          onChange={(v) => setForm({ ...form, kind: v as BatchOperationKind })}
        />
        <OperationFields
          accountId={accountId}
          form={form}
          playlists={playlists}
          onChange={setForm}
          onPasteLines={() => setStep({ step: 'paste' })}
        />
        {'problem' in planned ? <p class="hint">{planned.problem}</p> : null}
      </form>
    </Dialog>
  );
}

const OPERATION_OPTIONS: readonly (readonly [string, string])[] = [
  ['add', 'Add tracks'],
  ['remove', 'Remove tracks'],
  ['replace', 'Replace a track'],
  ['dedupe', 'Remove duplicates'],
  ['sort', 'Sort'],
  ['shuffle', 'Shuffle'],
  ['rename', 'Rename'],
  ['visibility', 'Visibility'],
];

/** The fields of the chosen operation. */
function OperationFields({
  accountId,
  form,
  playlists,
  onChange,
  onPasteLines,
}: {
  accountId: number;
  form: BatchForm;
  playlists: Playlist[];
  onChange: (form: BatchForm) => void;
  onPasteLines: () => void;
}) {
  const set = (patch: Partial<BatchForm>) => onChange({ ...form, ...patch });
  switch (form.kind) {
    case 'add':
    case 'remove':
      return (
        <TrackFields
          accountId={accountId}
          form={form}
          onChange={onChange}
          onPasteLines={onPasteLines}
        />
      );
    case 'replace':
      return (
        <>
          <TextField
            id="batch-old-uri"
            label="Track to replace (URI or link)"
            value={form.oldUri}
            onInput={(oldUri) => set({ oldUri })}
          />
          <TextField
            id="batch-new-uri"
            label="Replacement (URI or link)"
            value={form.newUri}
            onInput={(newUri) => set({ newUri })}
          />
          <p class="hint">Every copy of the track becomes the replacement, at its position.</p>
        </>
      );
    case 'dedupe':
      return (
        <SelectField
          id="batch-keep"
          label="Keep"
          value={form.keep}
          options={[
            ['first', 'The first copy'],
            ['last', 'The last copy'],
          ]}
          onChange={(v) => set({ keep: v as 'first' | 'last' })}
        />
      );
    case 'sort':
      return (
        <div class="edit-bar">
          <SelectField
            id="batch-sort-by"
            label="Sort by"
            value={form.sortBy}
            options={SORT_KEYS}
            onChange={(v) => set({ sortBy: v as BatchForm['sortBy'] })}
          />
          <SelectField
            id="batch-sort-order"
            label="Order"
            value={form.descending ? 'desc' : 'asc'}
            options={[
              ['asc', 'Ascending'],
              ['desc', 'Descending'],
            ]}
            onChange={(v) => set({ descending: v === 'desc' })}
          />
        </div>
      );
    case 'shuffle':
      return (
        <p class="hint">Each playlist gets a random order; the preview shows the seed used.</p>
      );
    case 'rename':
      return <RenameFields form={form} first={playlists[0] ?? null} onChange={onChange} />;
    case 'visibility':
      return (
        <SelectField
          id="batch-visibility"
          label="Make them"
          value={form.makePublic ? 'public' : 'private'}
          options={[
            ['private', 'Private'],
            ['public', 'Public'],
          ]}
          onChange={(v) => set({ makePublic: v === 'public' })}
        />
      );
  }
}

function TextField({
  id,
  label,
  value,
  onInput,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  hint?: string;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        class="input"
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {hint ? (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** add / remove: pasted URIs or links, tracks picked from a search, or (add) another playlist's. */
function TrackFields({
  accountId,
  form,
  onChange,
  onPasteLines,
}: {
  accountId: number;
  form: BatchForm;
  onChange: (form: BatchForm) => void;
  onPasteLines: () => void;
}) {
  const set = (patch: Partial<BatchForm>) => onChange({ ...form, ...patch });
  const { uris } = parseUris(form.pasted);
  const pick = (track: Track) => {
    if (!form.picked.some((t) => t.uri === track.uri)) set({ picked: [...form.picked, track] });
  };
  const count = formUris(form).length;
  const adding = form.kind === 'add';
  return (
    <>
      <div class="field">
        <label for="batch-uris">Track URIs or links</label>
        <textarea
          id="batch-uris"
          class="input"
          rows={3}
          value={form.pasted}
          placeholder="spotify:track:… or https://open.spotify.com/track/…"
          onInput={(e) => set({ pasted: e.currentTarget.value })}
        />
        <p class="hint">
          {uris.length ? `${plural(uris.length, 'track')} pasted. ` : ''}One per line, or separated
          by spaces.
        </p>
        {adding ? (
          <p>
            <button type="button" class="btn btn-small" onClick={onPasteLines}>
              Match pasted lines…
            </button>{' '}
            <span class="hint">
              “Artist - Title”, ISRCs, spreadsheet rows: matched to tracks first.
            </span>
          </p>
        ) : null}
      </div>
      {form.picked.length ? (
        <ul class="preview-list" aria-label="Tracks picked">
          {form.picked.map((t) => (
            <li key={t.uri}>
              {t.name} <span class="muted">— {t.artists.join(', ')}</span>{' '}
              <button
                type="button"
                class="btn btn-small"
                aria-label={`Drop ${t.name}`}
                onClick={() => set({ picked: form.picked.filter((p) => p.uri !== t.uri) })}
              >
                Drop
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <SearchPanel
        accountId={accountId}
        length={0}
        busy={false}
        pickOnly
        onAdd={(track) => pick(track)}
      />
      {adding ? (
        <>
          <TextField
            id="batch-from-playlist"
            label="Or all tracks of the playlist (its id, URI or link)"
            value={form.fromPlaylistId}
            onInput={(v) => set({ fromPlaylistId: playlistIdOf(v) })}
          />
          <div class="edit-bar">
            <SelectField
              id="batch-at"
              label="Add at"
              value={form.at}
              options={[
                ['bottom', 'The bottom'],
                ['top', 'The top'],
                ['position', 'A position…'],
              ]}
              onChange={(v) => set({ at: v as BatchForm['at'] })}
            />
            {form.at === 'position' ? (
              <div class="field field-compact">
                <label for="batch-position">Position (from 1)</label>
                <input
                  id="batch-position"
                  class="input input-small"
                  type="number"
                  min={1}
                  value={form.position}
                  aria-invalid={!positionValid(form)}
                  onInput={(e) => set({ position: e.currentTarget.value })}
                />
              </div>
            ) : null}
          </div>
          <p class="hint">A playlist shorter than the position gets the tracks at its end.</p>
          <label class="check-label">
            <input
              type="checkbox"
              checked={form.addExisting}
              onChange={(e) => set({ addExisting: e.currentTarget.checked })}
            />{' '}
            Also add to playlists that already have it
          </label>
        </>
      ) : (
        <p class="hint">Every copy of {count === 1 ? 'the track' : 'each track'} goes.</p>
      )}
    </>
  );
}

/** rename: the name and description templates, with what they make of the first playlist. */
function RenameFields({
  form,
  first,
  onChange,
}: {
  form: BatchForm;
  first: Playlist | null;
  onChange: (form: BatchForm) => void;
}) {
  const now = new Date();
  return (
    <>
      <TextField
        id="batch-name-template"
        label="Name"
        value={form.nameTemplate}
        onInput={(nameTemplate) => onChange({ ...form, nameTemplate })}
      />
      <TextField
        id="batch-description-template"
        label="Description"
        value={form.descriptionTemplate}
        onInput={(descriptionTemplate) => onChange({ ...form, descriptionTemplate })}
      />
      <p class="hint">
        {'{name}'}, {'{description}'}, {'{count}'} (tracks), {'{date}'}, {'{year}'}, {'{month}'},{' '}
        {'{day}'}; {'{{'} and {'}}'} for braces.
      </p>
      {first ? (
        <p class="rename-example" data-testid="rename-example" aria-live="polite">
          “{first.name}” becomes “{expandTemplate(form.nameTemplate, first, now)}”
          {form.descriptionTemplate !== '{description}' ? (
            <>, described “{expandTemplate(form.descriptionTemplate, first, now)}”</>
          ) : null}
          .
        </p>
      ) : null}
    </>
  );
}

/** The server's preview of a request, then Run. */
function PreviewStep({
  title,
  accountId,
  request,
  onBack,
  onStarted,
  onClose,
}: {
  title: string;
  accountId: number;
  request: BatchRequest;
  onBack: () => void;
  onStarted: (job: Job) => void;
  onClose: () => void;
}) {
  const { data: preview, error } = usePreview(
    () => api.previewBatch(accountId, request),
    `${accountId}/${JSON.stringify(request)}`,
  );
  const [busy, setBusy] = useState(false);
  const [runError, setRunError] = useState<unknown>(null);
  const run = async () => {
    if (!preview) return;
    // A shuffle runs with the seed the preview showed.
    const operation: BatchOperation =
      request.operation.kind === 'shuffle' && preview.seed !== null
        ? { ...request.operation, seed: preview.seed }
        : request.operation;
    setBusy(true);
    setRunError(null);
    try {
      onStarted(await startBatchJob(() => api.runBatch(accountId, { ...request, operation })));
    } catch (e) {
      setRunError(e);
      setBusy(false);
    }
  };
  return (
    <Dialog
      wide
      title={title}
      onClose={onClose}
      actions={
        <>
          <button type="button" class="btn" onClick={onBack}>
            Back
          </button>
          <button
            type="button"
            class="btn btn-primary"
            disabled={!preview || preview.changed === 0 || busy}
            onClick={() => void run()}
            data-autofocus
          >
            {preview ? `Run on ${plural(preview.changed, 'playlist')}` : 'Preparing…'}
          </button>
        </>
      }
    >
      {error ? <FormError error={describeError(error)} /> : null}
      {runError ? <FormError error={describeError(runError)} /> : null}
      {!preview && !error ? <Spinner label="Asking the server what would change…" /> : null}
      {preview ? (
        <>
          {preview.changed === 0 ? <p>No selected playlist would change: nothing to do.</p> : null}
          <BatchPreviewTable preview={preview} accountId={accountId} />
        </>
      ) : null}
    </Dialog>
  );
}

/** The duplicates report of the selected playlists, with "Dedupe these playlists". */
function DuplicatesReport({
  accountId,
  playlists,
  onDedupe,
}: {
  accountId: number;
  playlists: Playlist[];
  onDedupe: (playlistIds: string[]) => void;
}) {
  const ids = playlists.map((p) => p.id);
  const { data, error } = usePreview<DuplicateReport>(
    () => api.findDuplicates(accountId, { playlist_ids: ids }),
    `${accountId}/${ids.join(',')}`,
  );
  if (error) return <FormError error={describeError(error)} />;
  if (!data) return <Spinner label="Looking for duplicates…" />;
  const names = new Map(playlists.map((p) => [p.id, p.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const withCopies = [...new Set(data.within.map((w) => w.playlist_id))];
  const trackName = (t: { uri: string; track?: { name: string; artists: string[] } | null }) =>
    t.track ? `${t.track.name} — ${t.track.artists.join(', ')}` : t.uri;
  return (
    <div data-testid="duplicates-report">
      <h3 class="h-small">In several playlists</h3>
      {data.across.length === 0 ? (
        <p class="muted">No track is in more than one of the {plural(ids.length, 'playlist')}.</p>
      ) : (
        <DataTable
          caption="Tracks in more than one playlist"
          columns={[{ label: 'Track' }, { label: 'In' }, { label: 'Copies', class: 'num' }]}
          testId="duplicates-across"
        >
          {data.across.map((a) => (
            <tr key={a.uri}>
              <th scope="row">{trackName(a)}</th>
              <td>{a.playlists.map((p) => nameOf(p.playlist_id)).join(', ')}</td>
              <td class="num">{formatCount(a.playlists.reduce((n, p) => n + p.copies, 0))}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h3 class="h-small">Inside a playlist</h3>
      {data.within.length === 0 ? (
        <p class="muted">No playlist holds a track twice.</p>
      ) : (
        <>
          <DataTable
            caption="Tracks more than once in one playlist"
            columns={[{ label: 'Playlist' }, { label: 'Track' }, { label: 'Positions' }]}
            testId="duplicates-within"
          >
            {data.within.map((w) => (
              <tr key={`${w.playlist_id}:${w.uri}`}>
                <th scope="row">{nameOf(w.playlist_id)}</th>
                <td>{trackName(w)}</td>
                <td>{w.positions.map((p) => p + 1).join(', ')}</td>
              </tr>
            ))}
          </DataTable>
          <button type="button" class="btn btn-primary" onClick={() => onDedupe(withCopies)}>
            Dedupe these playlists ({formatCount(withCopies.length)})
          </button>
        </>
      )}
    </div>
  );
}
