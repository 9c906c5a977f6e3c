// The playlists page's sidebar: tags as folders (All, Untagged, every tag with its count, a click
// filters by it) and the user's saved selections (a click selects those playlists). Buttons in
// lists, so Tab and Enter reach everything; on narrow screens it folds behind a toggle.
import { useState } from 'preact/hooks';
import type { SavedSelection } from '../api/client';
import { formatCount, plural } from '../lib/format';
import type { TagCounts } from '../lib/playlist-query';

export type TagChoice = { kind: 'all' } | { kind: 'untagged' } | { kind: 'tag'; tag: string };

interface Props {
  counts: TagCounts;
  total: number;
  active: TagChoice;
  onTag: (choice: TagChoice) => void;
  /** Null while they load (or when they could not be read: `selectionsError`). */
  selections: readonly SavedSelection[] | null;
  selectionsError: string | null;
  onApply: (selection: SavedSelection) => void;
  /** Absent for viewers, who cannot change saved selections. */
  onDelete?: (selection: SavedSelection) => void;
}

function sameChoice(a: TagChoice, b: TagChoice): boolean {
  return a.kind === b.kind && (a.kind !== 'tag' || a.tag === (b as { tag: string }).tag);
}

export function WorkspaceSidebar(props: Props) {
  const [open, setOpen] = useState(false);
  const item = (choice: TagChoice, label: string, count: number) => {
    const pressed = sameChoice(choice, props.active);
    return (
      <li key={choice.kind === 'tag' ? `tag:${choice.tag}` : choice.kind}>
        <button
          type="button"
          class={`side-item${pressed ? ' active' : ''}`}
          aria-pressed={pressed}
          // The visible label and count come first, as shown (WCAG 2.5.3).
          aria-label={`${label} ${plural(count, 'playlist')}`}
          onClick={() => props.onTag(choice)}
        >
          <span class="side-label">{label}</span>{' '}
          <span class="side-count">{formatCount(count)}</span>
        </button>
      </li>
    );
  };
  return (
    <aside class={`workspace-side${open ? ' open' : ''}`} aria-label="Tags and saved selections">
      <button
        type="button"
        class="btn btn-small side-toggle"
        aria-expanded={open}
        aria-controls="workspace-side-body"
        onClick={() => setOpen(!open)}
      >
        {open ? 'Hide tags and selections' : 'Tags and selections'}
      </button>
      <div id="workspace-side-body" class="side-body">
        <nav aria-label="Tags">
          <h2 class="side-head">Tags</h2>
          <ul class="side-list" data-testid="tag-list">
            {item({ kind: 'all' }, 'All', props.total)}
            {item({ kind: 'untagged' }, 'Untagged', props.counts.untagged)}
            {props.counts.tags.map(([tag, count]) => item({ kind: 'tag', tag }, tag, count))}
          </ul>
        </nav>
        <section aria-label="Saved selections">
          <h2 class="side-head">Saved selections</h2>
          {props.selectionsError ? (
            <p class="form-error small">{props.selectionsError}</p>
          ) : props.selections === null ? (
            <p class="muted small">Loading…</p>
          ) : props.selections.length === 0 ? (
            <p class="muted small">None yet: select playlists, then “Save selection…”.</p>
          ) : (
            <ul class="side-list" data-testid="saved-selections">
              {props.selections.map((s) => (
                <li key={s.name} class="side-row">
                  <button
                    type="button"
                    class="side-item"
                    title={`Select the playlists of “${s.name}”`}
                    onClick={() => props.onApply(s)}
                  >
                    <span class="side-label">{s.name}</span>
                  </button>
                  {props.onDelete ? (
                    <button
                      type="button"
                      class="btn-icon side-delete"
                      aria-label={`Delete the saved selection ${s.name}`}
                      title="Delete"
                      onClick={() => props.onDelete!(s)}
                    >
                      ×
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </aside>
  );
}
