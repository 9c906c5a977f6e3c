import { useEffect, useRef, useState } from 'preact/hooks';

export const MAX_TAGS = 50;
/** The server's limit (core::kMaxTagBytes): bytes of UTF-8, not characters. */
export const MAX_TAG_BYTES = 64;

interface Props {
  tags: readonly string[];
  /** null: read-only (viewers). */
  onSave: ((tags: string[]) => Promise<void>) | null;
}

const encoder = new TextEncoder();
/** The size of a tag as the server counts it: UTF-8 bytes. */
export function tagBytes(tag: string): number {
  return encoder.encode(tag).length;
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
export function TagEditor({ tags, onSave }: Props) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  // After a tag is removed its button is gone: focus goes to the tag that took its place (the
  // next one), or to the input when it was the last, never to the top of the page.
  const focusAfterRemoval = useRef<number | null>(null);
  useEffect(() => {
    const index = focusAfterRemoval.current;
    if (index === null) return;
    focusAfterRemoval.current = null;
    const buttons = listRef.current?.querySelectorAll<HTMLButtonElement>('.tag-remove');
    (buttons?.[index] ?? inputRef.current)?.focus();
  }, [tags]);

  const save = async (next: string[]) => {
    if (!onSave) return;
    setBusy(true);
    setError(null);
    try {
      await onSave(next);
      setText('');
    } catch (e) {
      focusAfterRemoval.current = null;
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = (index: number) => {
    if (busy) return;
    focusAfterRemoval.current = index;
    void save(tags.filter((_, i) => i !== index));
  };

  const add = () => {
    const added = parseTagInput(text, tags);
    if (added.length === 0) return setText('');
    if (added.some((t) => tagBytes(t) > MAX_TAG_BYTES))
      return setError(
        `A tag is at most ${MAX_TAG_BYTES} bytes long: 64 plain letters or digits, fewer with accented or non-Latin characters or emoji.`,
      );
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
      <ul class="tags" aria-label="Tags" ref={listRef}>
        {tags.map((t, i) => (
          <li class="tag tag-removable" key={t}>
            {t}
            {/* aria-disabled, not disabled: a disabled button loses the focus while it saves. */}
            <button
              type="button"
              class="tag-remove"
              aria-label={`Remove tag ${t}`}
              aria-disabled={busy || undefined}
              onClick={() => remove(i)}
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
          ref={inputRef}
          id="tag-input"
          class="input input-small"
          value={text}
          placeholder="Add a tag…"
          maxLength={MAX_TAG_BYTES * 4}
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
