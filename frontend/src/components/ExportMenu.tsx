// "Export": a disclosure button whose list holds download links, one per file format (and per
// account when several are exported apart). A link is a plain GET with the session cookie, so the
// browser downloads the file itself, named by the server; nothing is sent to Spotify.
import { useEffect, useRef, useState } from 'preact/hooks';
import { exportUrl } from '../api/client';
import type { ExportChoice } from '../lib/exchange';

const FORMATS = [
  ['xlsx', 'Excel workbook (.xlsx)'],
  ['csv', 'CSV (a .zip for several playlists)'],
] as const;

let menuCount = 0;

export function ExportMenu({ choice, small }: { choice: ExportChoice; small?: boolean }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const id = useRef(`export-menu-${++menuCount}`).current;
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  // Closes on a click or a focus elsewhere (Tab past the last link).
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return undefined;
    const away = (e: Event) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    document.addEventListener('focusin', away);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('focusin', away);
    };
  }, [open]);
  const problem = 'problem' in choice ? choice.problem : null;
  return (
    <div
      class="export-menu"
      ref={root}
      onKeyDown={(e) => {
        if (open && e.key === 'Escape') {
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        class={small ? 'btn btn-small' : 'btn'}
        aria-expanded={open}
        aria-controls={id}
        disabled={problem !== null}
        title={problem ?? undefined}
        onClick={() => setOpen(!open)}
      >
        Export <span aria-hidden="true">▾</span>
      </button>
      {open && 'targets' in choice ? (
        <ul id={id} class="export-list card" data-testid="export-menu">
          {choice.targets.flatMap((t) =>
            FORMATS.map(([format, name]) => (
              <li key={`${t.accountId}-${format}`}>
                <a
                  href={exportUrl(t.accountId, t.selector, format)}
                  download
                  onClick={() => setOpen(false)}
                >
                  {name}
                  <span class="muted small"> · {t.label}</span>
                </a>
              </li>
            )),
          )}
        </ul>
      ) : null}
    </div>
  );
}
