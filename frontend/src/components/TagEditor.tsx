import { useState } from 'preact/hooks';

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;

interface Props {
  tags: readonly string[];
  /** null: read-only (viewers). */
  onSave: ((tags: string[]) => Promise<void>) | null;
  suggestions?: readonly string[];
}

/** Normalizes what was typed: trims, splits on commas, drops empties and duplicates. */
export function parseTagInput(text: string, existing: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const t = raw.trim().replace(/\s+/g, ' ');
    if (t && !existing.includes(t) && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Local tags of a playlist: chips with remove buttons and an input (Enter or comma adds). */
export function TagEditor({ tags, onSave, suggestions = [] }: Props) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (next: string[]) => {
    if (!onSave) return;
    setBusy(true);
    setError(null);
    try {
      await onSave(next);
      setText('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const add = () => {
    const added = parseTagInput(text, tags);
    if (added.length === 0) return setText('');
    if (added.some((t) => t.length > MAX_TAG_LENGTH))
      return setError(`A tag has at most ${MAX_TAG_LENGTH} characters.`);
    if (tags.length + added.length > MAX_TAGS)
      return setError(`A playlist has at most ${MAX_TAGS} tags.`);
    void save([...tags, ...added]);
  };

  if (!onSave) {
    return (
      <div class="tags" aria-label="Tags">
        {tags.length === 0 ? <span class="muted">No tags</span> : null}
        {tags.map((t) => (
          <span class="tag" key={t}>
            {t}
          </span>
        ))}
      </div>
    );
  }

  return (
    <div class="tag-editor">
      <ul class="tags" aria-label="Tags">
        {tags.map((t) => (
          <li class="tag tag-removable" key={t}>
            {t}
            <button
              type="button"
              class="tag-remove"
              aria-label={`Remove tag ${t}`}
              disabled={busy}
              onClick={() => save(tags.filter((x) => x !== t))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        class="tag-form"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <label class="visually-hidden" for="tag-input">
          Add tags
        </label>
        <input
          id="tag-input"
          class="input input-small"
          value={text}
          list={suggestions.length ? 'tag-suggestions' : undefined}
          placeholder="Add a tag…"
          maxLength={MAX_TAG_LENGTH * 4}
          onInput={(e) => {
            const v = e.currentTarget.value;
            setText(v);
          }}
          onKeyDown={(e) => {
            if (e.key === ',') {
              e.preventDefault();
              add();
            }
          }}
        />
        {suggestions.length ? (
          <datalist id="tag-suggestions">
            {suggestions
              .filter((s) => !tags.includes(s))
              .map((s) => (
                <option key={s} value={s} />
              ))}
          </datalist>
        ) : null}
        <button type="submit" class="btn btn-small" disabled={busy || text.trim() === ''}>
          Add
        </button>
      </form>
      <p class="hint">Tags stay in plm and are never sent to Spotify.</p>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
