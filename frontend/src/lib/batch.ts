// The batch dialog's words and arithmetic, kept pure so they are tested without a page: the form
// of each operation as it becomes a BatchOperation, pasted URIs and links, the live example of a
// rename template, and the per-playlist results of a running batch job.
import type {
  BatchEntryPreview,
  BatchOperation,
  BatchPreview,
  JobItem,
  Playlist,
} from '../api/client';
import type { Track } from './edit';
import { formatCount, plural } from './format';

export type BatchOperationKind = BatchOperation['kind'];
/** What the batch dialog does: a batch operation, or the duplicates report (which leads to dedupe). */
export type BatchKind = BatchOperationKind | 'duplicates';

export const BATCH_TITLES: Record<BatchKind, string> = {
  add: 'Add tracks to playlists',
  remove: 'Remove tracks from playlists',
  replace: 'Replace a track in playlists',
  dedupe: 'Remove duplicates from playlists',
  sort: 'Sort playlists',
  shuffle: 'Shuffle playlists',
  rename: 'Rename playlists',
  visibility: 'Change the visibility of playlists',
  duplicates: 'Duplicates across playlists',
};

/** Everything the form holds, whatever the kind (switching kinds keeps what was typed). */
export interface BatchForm {
  kind: BatchOperationKind;
  /** URIs or open.spotify.com links, one or more per line (add, remove). */
  pasted: string;
  /** Tracks picked from the search panel (add, remove). */
  picked: Track[];
  /** add: the tracks of this playlist instead ('' = the pasted and picked ones). */
  fromPlaylistId: string;
  at: 'top' | 'bottom' | 'position';
  /** 1-based, as people count; the API takes 0-based. */
  position: string;
  addExisting: boolean;
  oldUri: string;
  newUri: string;
  keep: 'first' | 'last';
  sortBy: NonNullable<BatchOperation['sort_by']>;
  descending: boolean;
  nameTemplate: string;
  descriptionTemplate: string;
  makePublic: boolean;
}

export function emptyForm(kind: BatchOperationKind): BatchForm {
  return {
    kind,
    pasted: '',
    picked: [],
    fromPlaylistId: '',
    at: 'bottom',
    position: '1',
    addExisting: false,
    oldUri: '',
    newUri: '',
    keep: 'first',
    sortBy: 'title',
    descending: false,
    nameTemplate: '{name}',
    descriptionTemplate: '{description}',
    makePublic: false,
  };
}

const LINK = /^https?:\/\/open\.spotify\.com\/(?:intl-[a-z-]+\/)?(track|episode)\/([A-Za-z0-9]+)/;
const URI = /^spotify:(track|episode|local):\S+$/;

/** One pasted word as a URI ("spotify:track:…" or an open.spotify.com link), or null. */
export function toUri(word: string): string | null {
  const w = word.trim();
  if (URI.test(w)) return w;
  const m = LINK.exec(w);
  return m ? `spotify:${m[1]}:${m[2]}` : null;
}

/** "spotify:playlist:X" or an open.spotify.com/playlist/X link -> X; an id stays as it is. */
export function playlistIdOf(text: string): string {
  const t = text.trim();
  const uri = /^spotify:playlist:([A-Za-z0-9]+)$/.exec(t);
  if (uri) return uri[1]!;
  const link = /open\.spotify\.com\/(?:intl-[a-z-]+\/)?playlist\/([A-Za-z0-9]+)/.exec(t);
  return link ? link[1]! : t;
}

/** The URIs of a paste (separated by spaces, commas or lines) and the words that are none. */
export function parseUris(text: string): { uris: string[]; invalid: string[] } {
  const uris: string[] = [];
  const invalid: string[] = [];
  for (const word of text.split(/[\s,]+/)) {
    if (!word) continue;
    const uri = toUri(word);
    if (uri) uris.push(uri);
    else invalid.push(word);
  }
  return { uris, invalid };
}

/** The URIs of the form (pasted, then picked), each once, in order. */
export function formUris(form: BatchForm): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const uri of [...parseUris(form.pasted).uris, ...form.picked.map((t) => t.uri)]) {
    if (seen.has(uri)) continue;
    seen.add(uri);
    out.push(uri);
  }
  return out;
}

/**
 * The form with a paste's tracks to add: those with catalog data join the picked tracks (shown
 * with their names), the others go to the pasted URIs; each once, in the paste's order.
 */
export function takePasted(
  form: BatchForm,
  toAdd: { uris: readonly string[]; tracks: readonly Track[] },
): BatchForm {
  const have = new Set(formUris(form));
  const known = new Map(toAdd.tracks.map((t) => [t.uri, t]));
  const picked = [...form.picked];
  const bare: string[] = [];
  for (const uri of toAdd.uris) {
    if (have.has(uri)) continue;
    have.add(uri);
    const track = known.get(uri);
    if (track) picked.push(track);
    else bare.push(uri);
  }
  const pasted = bare.length
    ? `${form.pasted}${form.pasted && !form.pasted.endsWith('\n') ? '\n' : ''}${bare.join('\n')}`
    : form.pasted;
  return { ...form, picked, pasted };
}

/** At most this many URIs in one operation (BatchOperation.uris maxItems). */
export const MAX_URIS = 100;

/**
 * The operation the form describes, or the reason it is not complete yet (shown under the form,
 * and Preview stays disabled).
 */
export function formOperation(
  form: BatchForm,
): { operation: BatchOperation } | { problem: string } {
  switch (form.kind) {
    case 'add':
    case 'remove': {
      const { invalid } = parseUris(form.pasted);
      if (invalid.length)
        return { problem: `Not a track URI or link: ${invalid.slice(0, 3).join(', ')}` };
      const uris = formUris(form);
      if (form.kind === 'add' && form.fromPlaylistId) {
        if (uris.length) return { problem: 'Either tracks or a playlist to copy, not both.' };
        return {
          operation: { kind: 'add', from_playlist_id: form.fromPlaylistId, ...placement(form) },
        };
      }
      if (!uris.length) return { problem: 'Paste track URIs or links, or pick tracks.' };
      if (uris.length > MAX_URIS)
        return { problem: `At most ${MAX_URIS} tracks at a time (${uris.length} given).` };
      const tracks = form.picked.filter((t) => uris.includes(t.uri));
      if (form.kind === 'remove') return { operation: { kind: 'remove', uris } };
      const op: BatchOperation = { kind: 'add', uris, ...placement(form) };
      if (tracks.length) op.tracks = tracks;
      if (form.addExisting) op.add_existing = true;
      return { operation: op };
    }
    case 'replace': {
      const oldUri = toUri(form.oldUri);
      const newUri = toUri(form.newUri);
      if (!oldUri || !newUri) return { problem: 'Give the track to replace and its replacement.' };
      if (oldUri === newUri) return { problem: 'The replacement is the same track.' };
      return { operation: { kind: 'replace', old_uri: oldUri, new_uri: newUri } };
    }
    case 'dedupe':
      return { operation: { kind: 'dedupe', keep: form.keep } };
    case 'sort':
      return { operation: { kind: 'sort', sort_by: form.sortBy, descending: form.descending } };
    case 'shuffle':
      return { operation: { kind: 'shuffle' } };
    case 'rename': {
      const op: BatchOperation = { kind: 'rename' };
      if (form.nameTemplate !== '{name}') op.name_template = form.nameTemplate;
      if (form.descriptionTemplate !== '{description}')
        op.description_template = form.descriptionTemplate;
      if (!op.name_template && !op.description_template)
        return { problem: 'Change the name or the description template.' };
      if (op.name_template !== undefined && !op.name_template.trim())
        return { problem: 'A playlist needs a name.' };
      return { operation: op };
    }
    case 'visibility':
      return { operation: { kind: 'visibility', public: form.makePublic } };
  }
}

function placement(form: BatchForm): Pick<BatchOperation, 'at' | 'position'> {
  if (form.at !== 'position') return { at: form.at };
  const n = Number(form.position);
  return { at: 'position', position: Number.isInteger(n) && n >= 1 ? n - 1 : 0 };
}

/** Whether the typed 1-based position is a whole number from 1. */
export function positionValid(form: BatchForm): boolean {
  const n = Number(form.position);
  return form.at !== 'position' || (Number.isInteger(n) && n >= 1);
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * A rename template on one playlist, as the server expands it: {name}, {description}, {count},
 * {date} (YYYY-MM-DD), {year}, {month}, {day}; `{{` and `}}` are braces; an unknown {word} stays.
 */
export function expandTemplate(template: string, playlist: Playlist, now: Date): string {
  const date = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  const values: Record<string, string> = {
    name: playlist.name,
    description: playlist.description,
    count: String(playlist.track_count),
    date,
    year: String(now.getFullYear()),
    month: two(now.getMonth() + 1),
    day: two(now.getDate()),
  };
  return template.replace(/\{\{|\}\}|\{(\w+)\}/g, (all, word: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    return word !== undefined && word in values ? values[word]! : all;
  });
}

/** The totals line of a preview: "3 playlists change, 1 unchanged, 1 refused". */
export function previewTotals(preview: BatchPreview): string {
  const parts = [
    `${plural(preview.changed, 'playlist')} ${preview.changed === 1 ? 'changes' : 'change'}`,
  ];
  if (preview.unchanged) parts.push(`${formatCount(preview.unchanged)} unchanged`);
  if (preview.refused) parts.push(`${formatCount(preview.refused)} refused`);
  return parts.join(', ');
}

/** "about 40 s", "about 3 min": the expected duration at the rate budget. */
export function durationText(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `about ${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}

/** What changes in one playlist, in a few words: "+2 −1, 3 moved, name". */
export function entryChange(entry: BatchEntryPreview): string {
  if (entry.status !== 'change') return entry.reason;
  const parts: string[] = [];
  if (entry.added_count) parts.push(`${formatCount(entry.added_count)} added`);
  if (entry.removed_count) parts.push(`${formatCount(entry.removed_count)} removed`);
  if (entry.moved_count) parts.push(`${formatCount(entry.moved_count)} moved`);
  for (const d of entry.details)
    parts.push(
      d.field === 'public'
        ? `now ${d.after === 'true' ? 'public' : 'private'}`
        : `${d.field}: “${d.after}”`,
    );
  if (entry.added_at_lost) parts.push(`${formatCount(entry.added_at_lost)} dates added lost`);
  return parts.join(', ') || 'changes';
}

/**
 * Counts of a batch job's items by outcome, for the result line; `pending` ones are "waiting"
 * while the job runs and "not run" once it ended (a cancel, a failure).
 */
export function resultCounts(items: readonly JobItem[], active = false): string {
  const order: [JobItem['outcome'], string][] = [
    ['done', 'changed'],
    ['unchanged', 'unchanged'],
    ['skipped', 'skipped'],
    ['conflict', 'in conflict'],
    ['failed', 'failed'],
    ['pending', active ? 'waiting' : 'not run'],
  ];
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.outcome, (counts.get(item.outcome) ?? 0) + 1);
  return order
    .filter(([o]) => counts.has(o))
    .map(([o, words]) => `${formatCount(counts.get(o)!)} ${words}`)
    .join(', ');
}
