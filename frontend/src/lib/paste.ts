// The pure side of "paste to add": counting the lines of a paste as it is typed, merging the
// answers of GET api/pastes/{id}?since= into what is shown (by line number, newest change of each
// line wins, rows that did not change keep their object so they do not re-render), the filters and
// their counts, and which tracks get added.
import type { Paste, PasteLine } from '../api/client';
import type { Track } from './edit';
import { formatCount, plural } from './format';

/** At most this many lines in one paste (issue 11; the server answers 400 above it). */
export const MAX_PASTE_LINES = 10_000;

/**
 * The lines of a paste as the server counts them: `\n`, `\r\n` and a lone `\r` end a line, and a
 * last line without a break counts too ("a\nb" and "a\nb\n" are two lines; "" is none). Cheap
 * enough for every key press: one pass over the characters, nothing allocated.
 */
export function countLines(text: string): number {
  let breaks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) breaks++;
  }
  const last = text.charCodeAt(text.length - 1);
  return last === 10 || last === 13 ? breaks : breaks + (text.length > 0 ? 1 : 0);
}

/** What the panel shows of a paste: its lines by number (index = line - 1) and the newest seq read. */
export interface PasteView {
  id: string;
  jobId: string | null;
  /** The newest seq of a GET answer: sent as `since` next time. Decisions never move it. */
  seq: number;
  lines: readonly PasteLine[];
}

/** A line the server has not sent yet (only when an answer skips numbers, which it should not). */
function placeholder(line: number): PasteLine {
  return {
    line,
    input: '',
    status: 'pending',
    uri: null,
    track: null,
    confidence: 0,
    candidates: [],
    source: 'none',
    reason: '',
    decision: 'none',
    seq: -1,
  };
}

/**
 * `incoming` lines put into `lines` by number when they are newer (a higher seq) than the ones
 * held; returns `lines` itself when none is. An older answer arriving late (a read started before
 * a decision's answer) so never undoes a newer state of a line.
 */
function mergeLines(
  lines: readonly PasteLine[],
  incoming: readonly PasteLine[],
  lineCount: number,
): readonly PasteLine[] {
  let next: PasteLine[] | null = null;
  if (lines.length < lineCount) {
    next = lines.slice();
    for (let n = lines.length + 1; n <= lineCount; n++) next.push(placeholder(n));
  }
  for (const line of incoming) {
    const i = line.line - 1;
    if (i < 0) continue;
    const held = (next ?? lines)[i];
    if (held && held.seq >= line.seq) continue;
    next ??= lines.slice();
    while (next.length < i) next.push(placeholder(next.length + 1));
    next[i] = line;
  }
  return next ?? lines;
}

/** A paste answer (the POST's, or a GET's with or without `since`) merged into what is shown. */
export function mergePaste(view: PasteView | null, answer: Paste): PasteView {
  if (!view || view.id !== answer.id)
    return {
      id: answer.id,
      jobId: answer.job_id,
      seq: answer.seq,
      lines: mergeLines([], answer.lines, answer.line_count),
    };
  const lines = mergeLines(view.lines, answer.lines, answer.line_count);
  const seq = Math.max(view.seq, answer.seq);
  const jobId = answer.job_id ?? view.jobId;
  if (lines === view.lines && seq === view.seq && jobId === view.jobId) return view;
  return { ...view, jobId, seq, lines };
}

/**
 * One line as a decision answered it. The view's seq stays: lines the matcher changed before the
 * decision (with lower seqs) have not been read yet and must still come with the next `since`.
 */
export function mergeLine(view: PasteView, line: PasteLine): PasteView {
  const lines = mergeLines(view.lines, [line], view.lines.length);
  return lines === view.lines ? view : { ...view, lines };
}

/** Ambiguous and not-found lines nobody has decided on yet. */
export function needsDecision(line: PasteLine): boolean {
  return line.decision === 'none' && (line.status === 'ambiguous' || line.status === 'not_found');
}

/** Whether the line's track is added: matched and not skipped, or accepted / picked. */
export function willAdd(line: PasteLine): boolean {
  if (line.uri === null || line.decision === 'skipped') return false;
  return line.decision !== 'none' || line.status === 'matched';
}

export type PasteFilter = 'all' | 'decide' | 'matched' | 'skipped';

const FILTERS: Record<PasteFilter, (line: PasteLine) => boolean> = {
  all: () => true,
  decide: needsDecision,
  matched: willAdd,
  skipped: (line) => line.decision === 'skipped',
};

export const FILTER_NAMES: Record<PasteFilter, string> = {
  all: 'All',
  decide: 'Needs a decision',
  matched: 'Matched',
  skipped: 'Skipped',
};

export interface PasteCounts extends Record<PasteFilter, number> {
  pending: number;
  invalid: number;
}

/** The count of every filter, and the lines still pending and the invalid ones, in one pass. */
export function pasteCounts(lines: readonly PasteLine[]): PasteCounts {
  const counts: PasteCounts = {
    all: lines.length,
    decide: 0,
    matched: 0,
    skipped: 0,
    pending: 0,
    invalid: 0,
  };
  for (const line of lines) {
    if (needsDecision(line)) counts.decide++;
    if (willAdd(line)) counts.matched++;
    if (line.decision === 'skipped') counts.skipped++;
    if (line.status === 'pending') counts.pending++;
    if (line.status === 'invalid') counts.invalid++;
  }
  return counts;
}

/** The lines a filter shows, in line order ("all" is the list itself). */
export function filterLines(
  lines: readonly PasteLine[],
  filter: PasteFilter,
): readonly PasteLine[] {
  return filter === 'all' ? lines : lines.filter(FILTERS[filter]);
}

/** What "Add" sends: each added track once, in line order, with the catalog data known of it. */
export interface TracksToAdd {
  uris: string[];
  /** The catalog data of the URIs that have it (the stored copy shows them at once). */
  tracks: Track[];
  /** Lines whose track an earlier line already adds (left out). */
  repeats: number;
}

export function tracksToAdd(lines: readonly PasteLine[]): TracksToAdd {
  const seen = new Set<string>();
  const out: TracksToAdd = { uris: [], tracks: [], repeats: 0 };
  for (const line of lines) {
    if (!willAdd(line)) continue;
    const uri = line.uri!;
    if (seen.has(uri)) {
      out.repeats++;
      continue;
    }
    seen.add(uri);
    out.uris.push(uri);
    if (line.track && line.track.uri === uri) out.tracks.push(line.track);
  }
  return out;
}

export type StatusWord = { text: string; badge: 'neutral' | 'accent' | 'warn' | 'danger' | 'ok' };

const STATUS_WORDS: Record<PasteLine['status'], StatusWord> = {
  pending: { text: 'Pending', badge: 'neutral' },
  matched: { text: 'Matched', badge: 'ok' },
  ambiguous: { text: 'Ambiguous', badge: 'warn' },
  not_found: { text: 'Not found', badge: 'danger' },
  invalid: { text: 'Invalid', badge: 'neutral' },
};

const DECISION_WORDS: Record<Exclude<PasteLine['decision'], 'none'>, StatusWord> = {
  accepted: { text: 'Accepted', badge: 'ok' },
  picked: { text: 'Picked', badge: 'accent' },
  skipped: { text: 'Skipped', badge: 'neutral' },
};

/** The status shown on a line: a person's decision first, else the matcher's result. */
export function statusWord(line: PasteLine): StatusWord {
  return line.decision === 'none' ? STATUS_WORDS[line.status] : DECISION_WORDS[line.decision];
}

/** "87%": a confidence of 0 to 1 as people read it. */
export function percent(confidence: number): string {
  return `${Math.round(Math.min(1, Math.max(0, confidence)) * 100)}%`;
}

/**
 * The sentence of the live region: said when matching starts and when it ends, not per line
 * (screen readers would read nothing else). `ended`: the job is over (lines still pending then
 * were never matched: a cancel).
 */
export function progressSentence(counts: PasteCounts, ended: boolean): string {
  const done = counts.all - counts.pending;
  if (counts.pending > 0 && !ended)
    return `Matching ${plural(counts.all, 'line')}: ${formatCount(done)} done.`;
  const parts = [`${formatCount(counts.matched)} to add`];
  if (counts.decide) parts.push(`${formatCount(counts.decide)} need a decision`);
  if (counts.skipped) parts.push(`${formatCount(counts.skipped)} skipped`);
  if (counts.invalid) parts.push(`${formatCount(counts.invalid)} blank or not understood`);
  if (counts.pending) parts.push(`${formatCount(counts.pending)} not matched (stopped)`);
  return `Matched ${plural(counts.all, 'line')}: ${parts.join(', ')}.`;
}
