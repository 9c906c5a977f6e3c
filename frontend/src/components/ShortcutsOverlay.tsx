import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { keyLabel, listShortcuts, shortcuts, useShortcut, type Shortcut } from '../lib/shortcuts';
import { Dialog } from './Dialog';

/** The `?` overlay: the current page's shortcuts, then the global ones. Mounted once by Layout. */
export function ShortcutsOverlay() {
  const [open, setOpen] = useState(false);
  useShortcut('?', 'Show keyboard shortcuts', () => setOpen(true), { scope: 'global' });
  if (!open) return null;
  const close = () => setOpen(false);
  const { page, global } = listShortcuts(shortcuts.value);
  return (
    <Dialog
      title="Keyboard shortcuts"
      onClose={close}
      actions={
        <button type="button" class="btn btn-primary" onClick={close} data-autofocus>
          Close
        </button>
      }
    >
      {page.length > 0 ? <ShortcutList title="On this page" items={page} /> : null}
      <ShortcutList title="Everywhere" items={global} />
      <p class="muted shortcut-note">
        Keys typed into a field stay in the field; Escape leaves it. Tab moves between controls.
      </p>
    </Dialog>
  );
}

function ShortcutList({ title, items }: { title: string; items: Shortcut[] }) {
  return (
    <section class="shortcut-group">
      <h3>{title}</h3>
      <dl class="shortcut-list">
        {items.map((s) => (
          <div key={s.id} class="shortcut-row">
            <dt>
              {keyLabel(s.key).map((part, i) => (
                <Fragment key={i}>
                  {i > 0 ? ' ' : null}
                  <kbd>{part}</kbd>
                </Fragment>
              ))}
            </dt>
            <dd>{s.description}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
