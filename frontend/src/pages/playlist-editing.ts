// The editing state of the playlist page: the selection, the list shown while an edit is on its way
// (at once, pending), and running an edit to its end: confirmed (the items re-read), or rolled back
// with a notice that says why (a conflict offers to reload). Edits that take something away offer
// Undo in the notice that says they were made.
import { useMemo, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  describeError,
  type Job,
  type PlaylistItem,
  type PlaylistItems,
} from '../api/client';
import { latestVersion, runEdit, runJob } from '../lib/edit-jobs';
import type { EditRequest } from '../lib/edit';
import { emptySelection, type SelectionState } from '../lib/selection';
import { dismiss, notify } from '../lib/toast';

export interface Shown {
  list: PlaylistItem[];
  pending: ReadonlySet<PlaylistItem>;
}

export interface EditOptions {
  /** The list to show until the edit ends (null: keep showing what is stored). */
  shown?: Shown | null;
  /** Said in the live region and the notice once Spotify has it ("Moved 1 track to 4."). */
  done: string;
  /** Offer Undo in the notice. */
  undo?: boolean;
  /** The rows to select once the re-read list is shown (indices in it). */
  selectAfter?: number[];
}

export interface Editor {
  selection: SelectionState;
  setSelection: (s: SelectionState) => void;
  keyOf: (item: PlaylistItem) => string;
  shown: Shown | null;
  busy: boolean;
  /** The latest sentence for the aria-live region. */
  announcement: string;
  announce: (text: string) => void;
  /** Runs an edit (or another job on the playlist, e.g. a cover upload) to its end. */
  run: (request: EditRequest | (() => Promise<Job>), options: EditOptions) => Promise<boolean>;
}

const NOTHING_PENDING: ReadonlySet<PlaylistItem> = new Set();

export function conflictMessage(e: { code: string; message: string }): string | null {
  return e.code === 'conflict'
    ? `The playlist changed on Spotify since it was loaded, so nothing was changed. ${e.message}`.trim()
    : null;
}

export function usePlaylistEditor(
  accountId: number,
  playlistId: string,
  items: PlaylistItems | null,
  reload: () => Promise<void>,
): Editor {
  const [selection, setSelection] = useState<SelectionState>(emptySelection);
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  const [announcement, announce] = useState('');
  // The snapshot of what is stored now, for an Undo clicked after later reloads.
  const snapshot = useRef('');
  snapshot.current = items?.snapshot_id ?? '';

  // Rows are keyed by their place in the list as read; rows shown before a confirmation (added
  // from search) have no place yet and get one of their own.
  const keys = useMemo(() => {
    const map = new Map<PlaylistItem, string>();
    items?.items.forEach((item, i) => map.set(item, String(i)));
    return map;
  }, [items]);
  const keyOf = (item: PlaylistItem) => keys.get(item) ?? `new:${item.uri}:${item.position}`;

  const fail = (e: { code: string; message: string }) => {
    const conflict = conflictMessage(e);
    announce(conflict ?? `The edit failed: ${e.message}`);
    if (conflict)
      notify(conflict, 'error', undefined, { label: 'Reload', run: () => void reload() });
    else notify(`The edit failed: ${e.message}`, 'error');
  };

  // The notice offering Undo of the last edit: a newer edit takes it away (undoing an older
  // version would also throw away what came after it).
  const undoNotice = useRef<number | null>(null);

  const run = async (
    request: EditRequest | (() => Promise<Job>),
    options: EditOptions,
  ): Promise<boolean> => {
    if (undoNotice.current !== null) dismiss(undoNotice.current);
    undoNotice.current = null;
    setBusy(true);
    if (options.shown) setShown(options.shown);
    try {
      const job =
        typeof request === 'function'
          ? await runJob(request)
          : await runEdit(accountId, playlistId, request);
      if (job.state !== 'succeeded') {
        setShown(null);
        fail(job.error ?? { code: job.state, message: job.message || `The job ${job.state}.` });
        return false;
      }
      await reload();
      setShown(null);
      setSelection(
        options.selectAfter
          ? { selected: new Set(options.selectAfter.map(String)), anchor: null }
          : emptySelection,
      );
      announce(options.done);
      const version = options.undo
        ? await latestVersion(accountId, playlistId).catch(() => null)
        : null;
      const id = notify(
        options.done,
        'success',
        undefined,
        version !== null
          ? {
              label: 'Undo',
              run: () =>
                void run(
                  { kind: 'undo', version, planned_snapshot: snapshot.current },
                  { done: 'Undone.' },
                ),
            }
          : undefined,
      );
      if (version !== null) undoNotice.current = id;
      return true;
    } catch (e) {
      setShown(null);
      fail(e instanceof ApiError ? e : { code: 'error', message: describeError(e) });
      return false;
    } finally {
      setBusy(false);
    }
  };

  return {
    selection,
    setSelection,
    keyOf,
    shown: shown && { list: shown.list, pending: shown.pending ?? NOTHING_PENDING },
    busy,
    announcement,
    announce,
    run,
  };
}
