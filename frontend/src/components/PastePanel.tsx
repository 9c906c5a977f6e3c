// "Add from text": a paste of up to 10,000 lines (track URIs, links, ISRCs, "Artist - Title",
// spreadsheet rows) becomes catalog tracks. Match sends it (POST …/pastes: a match_paste job) and
// the results fill in as the job goes: its `job` events re-read GET api/pastes/{id}?since=seq
// (coalesced, at most once a second) and the changed lines are merged in by number, so only their
// rows re-render. Per line: accept, choose another candidate or search by hand, skip, undo (PUT
// …/lines/{n}); filters with counts; then what the caller does with the tracks to add (the
// playlist page's add with its preview, the batch dialog's add). Loaded on demand (its own chunk).
import { Component, type ComponentChildren, type RefObject } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  api,
  describeError,
  type Job,
  type Paste,
  type PasteDecision,
  type PasteLine,
} from '../api/client';
import { bus } from '../lib/events';
import { coalesce } from '../lib/coalesce';
import { formatCount, plural } from '../lib/format';
import { isActive, jobs, laterJob } from '../lib/jobs';
import {
  FILTER_NAMES,
  MAX_PASTE_LINES,
  countLines,
  filterLines,
  mergeLine,
  mergePaste,
  pasteCounts,
  percent,
  progressSentence,
  statusWord,
  tracksToAdd,
  type PasteFilter,
  type PasteView,
  type TracksToAdd,
} from '../lib/paste';
import { notify } from '../lib/toast';
import { Dialog } from './Dialog';
import { CancelJobButton } from './JobParts';
import { SearchPanel, TrackSummary } from './SearchPanel';
import { Badge, FormError } from './ui';
import { useScrollToTopOn, useVirtualRows } from './virtual-rows';

export interface PastePanelProps {
  accountId: number;
  /** The panel's heading. */
  title?: string;
  /**
   * What is done with the tracks to add, under the results: `settled` once no line is still
   * being matched (the caller offers its action only then).
   */
  renderActions: (toAdd: TracksToAdd, settled: boolean) => ComponentChildren;
  /** Live re-reads at most once per this many ms (tests pass 0). */
  refreshMs?: number;
  /** Debounce of the search by hand (tests pass 0). */
  searchDelayMs?: number;
}

export function PastePanel({
  accountId,
  title = 'Add from text',
  renderActions,
  refreshMs = 1000,
  searchDelayMs,
}: PastePanelProps) {
  const [started, setStarted] = useState<Paste | null>(null);
  // The textarea is left to the browser: a key press costs counting its lines, nothing more.
  const text = useRef('');
  const [lineCount, setLineCount] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tooMany = lineCount > MAX_PASTE_LINES;

  const match = async (e: Event) => {
    e.preventDefault();
    if (busy || lineCount === 0 || tooMany) return;
    setBusy(true);
    setError(null);
    try {
      // The panel says how the matching went (the app-wide notice is quiet for match_paste jobs).
      setStarted(await api.startPaste(accountId, text.current));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const heading = (
    <h2 id="paste-title" class="h-small">
      {title}
    </h2>
  );
  if (started)
    return (
      <section class="card paste-panel" aria-labelledby="paste-title" data-testid="paste-panel">
        {heading}
        <PasteResults
          key={started.id}
          initial={started}
          accountId={accountId}
          refreshMs={refreshMs}
          searchDelayMs={searchDelayMs}
          renderActions={renderActions}
          onChangeLines={() => {
            // Forgets the paste (its job stops if it still runs); choices made stay remembered.
            api.deletePaste(started.id).catch(() => undefined);
            setStarted(null);
          }}
        />
      </section>
    );

  return (
    <section class="card paste-panel" aria-labelledby="paste-title" data-testid="paste-panel">
      {heading}
      <form class="paste-form" onSubmit={(e) => void match(e)}>
        <div class="field">
          <label for="paste-text">Lines to match, one track per line</label>
          <textarea
            id="paste-text"
            class="input paste-text"
            rows={8}
            spellcheck={false}
            defaultValue={text.current}
            placeholder={
              'Artist - Title\nTitle by Artist\nspotify:track:… or an open.spotify.com link\nAn ISRC, or rows copied from a spreadsheet'
            }
            aria-describedby="paste-count"
            aria-invalid={tooMany || undefined}
            onInput={(e) => {
              text.current = e.currentTarget.value;
              setLineCount(countLines(text.current));
            }}
          />
          <p id="paste-count" class={tooMany ? 'hint hint-warn' : 'hint'}>
            {plural(lineCount, 'line')}
            {tooMany
              ? `: at most ${formatCount(MAX_PASTE_LINES)} at a time.`
              : ` of at most ${formatCount(MAX_PASTE_LINES)}. Blank lines and # comments are left out.`}
          </p>
        </div>
        {error ? <FormError error={error} /> : null}
        <button type="submit" class="btn btn-primary" disabled={busy || lineCount === 0 || tooMany}>
          {busy ? 'Sending…' : 'Match'}
        </button>
      </form>
    </section>
  );
}

/**
 * A paste as its lines are matched: the POST's answer first, then every line that changed, read by
 * `since` on the job's events (coalesced), after a reconnection and once the job is known to have
 * ended. Answers merge by the seq of each line, so one that arrives late never undoes a newer one.
 * `ended` waits for a read that started after the job's end was known: the end event can come
 * before the last lines have been read, and lines still pending then were never matched.
 */
function useFollowedPaste(initial: Paste, refreshMs: number) {
  const [view, setView] = useState<PasteView>(() => mergePaste(null, initial));
  const viewRef = useRef(view);
  const apply = (next: PasteView) => {
    if (next === viewRef.current) return;
    viewRef.current = next;
    setView(next);
  };
  const jobId = initial.job_id;
  const [job, setJob] = useState<Job | null>(() =>
    jobId ? (jobs.value.get(jobId) ?? null) : null,
  );
  const [readError, setReadError] = useState<unknown>(null);
  const [ended, setEnded] = useState(false);
  const endKnown = useRef(false);
  const know = (incoming: Job) => {
    if (!isActive(incoming)) endKnown.current = true;
    setJob((known) => laterJob(known ?? undefined, incoming));
  };

  useEffect(() => {
    const controller = new AbortController();
    const read = async () => {
      const afterEnd = endKnown.current;
      try {
        const answer = await api.paste(initial.id, viewRef.current.seq, {
          signal: controller.signal,
        });
        apply(mergePaste(viewRef.current, answer));
        setReadError(null);
        if (afterEnd) setEnded(true);
      } catch (e) {
        if (!controller.signal.aborted) setReadError(e);
      }
    };
    const refresh = coalesce(read, refreshMs);
    // Lines may have been matched between the POST's answer and now.
    refresh();
    const offs = [
      bus.on('job', (j) => {
        if (j.id !== jobId) return;
        know(j);
        refresh();
      }),
      bus.on('reconnected', () => refresh()),
    ];
    if (jobId)
      api.job(jobId, { signal: controller.signal }).then(
        (details) => {
          know(details.job);
          // It ended before its events were listened to: read its last lines.
          if (!isActive(details.job)) refresh();
        },
        () => undefined,
      );
    return () => {
      controller.abort();
      refresh.cancel();
      offs.forEach((off) => off());
    };
  }, [initial.id]);

  return {
    view,
    job,
    ended,
    setJob: know,
    readError,
    applyLine: (line: PasteLine) => apply(mergeLine(viewRef.current, line)),
  };
}

type Action = 'accept' | 'choose' | 'skip' | 'undo';
const FILTER_ORDER: readonly PasteFilter[] = ['all', 'decide', 'matched', 'skipped'];
/** After a decision, the button that keeps the focus in the line's row. */
const FOCUS_AFTER: Record<PasteDecision['decision'], Action> = {
  accept: 'undo',
  pick: 'undo',
  skip: 'undo',
  clear: 'choose',
};
const DECISION_DONE: Record<PasteDecision['decision'], string> = {
  accept: 'accepted',
  pick: 'set to the chosen track',
  skip: 'skipped',
  clear: 'back to the match',
};

function PasteResults({
  initial,
  accountId,
  refreshMs,
  searchDelayMs,
  renderActions,
  onChangeLines,
}: {
  initial: Paste;
  accountId: number;
  refreshMs: number;
  searchDelayMs: number | undefined;
  renderActions: PastePanelProps['renderActions'];
  onChangeLines: () => void;
}) {
  const { view, job, ended, setJob, readError, applyLine } = useFollowedPaste(initial, refreshMs);
  const counts = useMemo(() => pasteCounts(view.lines), [view.lines]);
  const [filter, setFilter] = useState<PasteFilter>('all');
  const shown = useMemo(() => filterLines(view.lines, filter), [view.lines, filter]);
  const toAdd = useMemo(() => tracksToAdd(view.lines), [view.lines]);
  const settled = counts.pending === 0 || ended;

  // The live region speaks when matching starts and when it ends, and after each decision.
  const [announcement, setAnnouncement] = useState('');
  useEffect(() => setAnnouncement(progressSentence(counts, ended)), [settled]);

  const [busyLine, setBusyLine] = useState<number | null>(null);
  const [choosing, setChoosing] = useState<number | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const filtersRef = useRef<HTMLDivElement>(null);
  const focusAfter = useRef<{ line: number; index: number; action: Action } | null>(null);

  const decide = async (line: PasteLine, body: PasteDecision) => {
    setBusyLine(line.line);
    try {
      const updated = await api.decidePasteLine(view.id, line.line, body);
      focusAfter.current = {
        line: line.line,
        index: Math.max(0, shown.indexOf(line)),
        action: FOCUS_AFTER[body.decision],
      };
      applyLine(updated);
      setAnnouncement(`Line ${formatCount(line.line)} ${DECISION_DONE[body.decision]}.`);
    } catch (e) {
      notify(describeError(e), 'error');
    } finally {
      setBusyLine(null);
    }
  };

  // Rows get one callback for the panel's life, so a merge re-renders only the rows that changed.
  const handle = (line: PasteLine, action: Action) => {
    if (action === 'choose') setChoosing(line.line);
    else
      void decide(line, {
        decision: action === 'accept' ? 'accept' : action === 'skip' ? 'skip' : 'clear',
      });
  };
  const latest = useRef(handle);
  latest.current = handle;
  const onAction = useRef((line: PasteLine, action: Action) =>
    latest.current(line, action),
  ).current;

  // Focus stays in the decided line's row (its Undo), or, when the filter let the line go, moves
  // to the row that took its place.
  useLayoutEffect(() => {
    const target = focusAfter.current;
    if (!target) return;
    focusAfter.current = null;
    const root = scrollRef.current;
    const row =
      root?.querySelector<HTMLElement>(`[data-line="${target.line}"]`) ??
      root?.querySelector<HTMLElement>(
        `[data-index="${Math.min(target.index, shown.length - 1)}"]`,
      );
    const button =
      row?.querySelector<HTMLElement>(`[data-action="${target.action}"]`) ??
      row?.querySelector<HTMLElement>('button');
    // No row left under the filter: the filter's own button.
    (button ?? filtersRef.current?.querySelector<HTMLElement>('[aria-pressed="true"]'))?.focus();
  }, [shown]);

  const choosingLine = choosing === null ? null : (view.lines[choosing - 1] ?? null);
  const take = (line: PasteLine, uri: string) => {
    setChoosing(null);
    const candidate = line.candidates.some((c) => c.track.uri === uri);
    void decide(line, candidate ? { decision: 'accept', uri } : { decision: 'pick', uri });
  };

  const done = counts.all - counts.pending;
  const fraction = counts.all ? done / counts.all : 1;
  return (
    <div class="paste-results" data-testid="paste-results">
      <div class="paste-progress">
        <div
          class="progress"
          role="progressbar"
          aria-label="Matching the lines"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(fraction * 100)}
          aria-valuetext={`${formatCount(done)} of ${plural(counts.all, 'line')} matched`}
        >
          <div class="progress-fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
        </div>
        <p class="job-progress-text" data-testid="paste-progress">
          {settled
            ? progressSentence(counts, ended)
            : `${formatCount(done)} of ${plural(counts.all, 'line')} matched…`}
        </p>
        <div class="edit-bar">
          {job && !settled ? (
            <CancelJobButton job={job} label="the matching of the lines" onCancelled={setJob} />
          ) : null}
          <button type="button" class="btn btn-small" onClick={onChangeLines}>
            Change the lines
          </button>
        </div>
      </div>
      <p class="visually-hidden" aria-live="polite" data-testid="paste-status">
        {announcement}
      </p>
      {readError ? (
        <p class="hint hint-warn" role="status">
          Could not read the latest results: {describeError(readError)}
        </p>
      ) : null}
      <div class="paste-filters" role="group" aria-label="Show lines" ref={filtersRef}>
        {FILTER_ORDER.map((f) => (
          <button
            key={f}
            type="button"
            class="btn btn-small"
            aria-pressed={filter === f}
            data-filter={f}
            onClick={() => setFilter(f)}
          >
            {FILTER_NAMES[f]} <span class="paste-count">{formatCount(counts[f])}</span>
          </button>
        ))}
      </div>
      {shown.length === 0 ? (
        <p class="muted" data-testid="paste-empty">
          No lines under “{FILTER_NAMES[filter]}”.
        </p>
      ) : (
        <PasteList
          scrollRef={scrollRef}
          lines={shown}
          resetKey={filter}
          busyLine={busyLine}
          onAction={onAction}
        />
      )}
      <div class="paste-add" data-testid="paste-add">
        <p class="muted small">
          {plural(toAdd.uris.length, 'track')} to add, in line order
          {toAdd.repeats
            ? ` (${plural(toAdd.repeats, 'line')} repeating an earlier track left out)`
            : ''}
          .{counts.decide ? ` ${plural(counts.decide, 'line')} without a decision left out.` : ''}
        </p>
        {renderActions(toAdd, settled)}
      </div>
      {choosingLine ? (
        <ChooseDialog
          line={choosingLine}
          accountId={accountId}
          searchDelayMs={searchDelayMs}
          onTake={(uri) => take(choosingLine, uri)}
          onClose={() => setChoosing(null)}
        />
      ) : null}
    </div>
  );
}

export const PASTE_ROW_HEIGHT = 56;
const PASTE_HEADER_HEIGHT = 36;
const COLUMNS = ['#', 'Line', 'Match', 'Confidence', 'Status', 'Actions'];

/** The lines, virtualized like the track table: a paste of 10,000 keeps ~20 rows in the DOM. */
function PasteList({
  scrollRef,
  lines,
  resetKey,
  busyLine,
  onAction,
}: {
  scrollRef: RefObject<HTMLDivElement | null>;
  lines: readonly PasteLine[];
  resetKey: string;
  busyLine: number | null;
  onAction: (line: PasteLine, action: Action) => void;
}) {
  const virtualizer = useVirtualRows(scrollRef, {
    count: lines.length,
    rowHeight: PASTE_ROW_HEIGHT,
    headerHeight: PASTE_HEADER_HEIGHT,
  });
  useScrollToTopOn(scrollRef, resetKey);
  const bodyHeight = Math.max(0, virtualizer.getTotalSize() - PASTE_HEADER_HEIGHT);
  return (
    <div
      ref={scrollRef}
      class="tt-scroll paste-scroll"
      tabIndex={0}
      role="table"
      aria-label="Pasted lines and their matches"
      aria-rowcount={lines.length + 1}
      data-testid="paste-lines"
    >
      <div role="rowgroup" class="tt-head">
        <div
          role="row"
          aria-rowindex={1}
          class="paste-row tt-header-row"
          style={{ height: `${PASTE_HEADER_HEIGHT}px` }}
        >
          {COLUMNS.map((c) => (
            <div role="columnheader" key={c} class="tt-cell">
              {c}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" class="tt-body" style={{ height: `${bodyHeight}px` }}>
        {virtualizer.getVirtualItems().map((row) => {
          const line = lines[row.index]!;
          return (
            <PasteRow
              key={line.line}
              line={line}
              index={row.index}
              top={row.start - PASTE_HEADER_HEIGHT}
              busy={busyLine === line.line}
              onAction={onAction}
            />
          );
        })}
      </div>
    </div>
  );
}

interface RowProps {
  line: PasteLine;
  index: number;
  /** Pixels from the top of the rows. */
  top: number;
  busy: boolean;
  onAction: (line: PasteLine, action: Action) => void;
}

/** One line; re-renders only when its line, place or busy state changes. */
class PasteRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return (
      next.line !== p.line ||
      next.index !== p.index ||
      next.top !== p.top ||
      next.busy !== p.busy ||
      next.onAction !== p.onAction
    );
  }

  override render({ line, index, top, busy, onAction }: RowProps) {
    const word = statusWord(line);
    const n = formatCount(line.line);
    const decided = line.decision !== 'none';
    const open = line.status !== 'pending' && line.status !== 'invalid';
    const button = (action: Action, text: string, label: string) => (
      <button
        type="button"
        class="btn btn-small"
        data-action={action}
        aria-label={label}
        disabled={busy}
        onClick={() => onAction(line, action)}
      >
        {text}
      </button>
    );
    return (
      <div
        role="row"
        aria-rowindex={index + 2}
        data-index={index}
        data-line={line.line}
        data-status={line.status}
        data-decision={line.decision}
        data-uri={line.uri ?? undefined}
        data-testid="paste-line"
        class={`paste-row tt-row${index % 2 ? ' tt-odd' : ''}${line.decision === 'skipped' ? ' paste-skipped' : ''}`}
        style={{ height: `${PASTE_ROW_HEIGHT}px`, transform: `translateY(${top}px)` }}
      >
        <div role="cell" class="tt-cell tt-c0">
          {n}
        </div>
        <div role="cell" class="tt-cell paste-input" title={line.input}>
          <span class="paste-input-text">{line.input || '(blank)'}</span>
          {line.status === 'invalid' && line.reason ? (
            <span class="muted small">{line.reason}</span>
          ) : null}
        </div>
        <div role="cell" class="tt-cell paste-match">
          <MatchCell line={line} />
        </div>
        <div role="cell" class="tt-cell">
          {line.uri !== null && line.confidence > 0 ? (
            <span class="paste-confidence" title={`Confidence ${percent(line.confidence)}`}>
              <span class="paste-bar" aria-hidden="true">
                <span style={{ width: percent(line.confidence) }} />
              </span>
              {percent(line.confidence)}
            </span>
          ) : null}
        </div>
        <div role="cell" class="tt-cell">
          <Badge kind={word.badge}>{word.text}</Badge>
        </div>
        <div role="cell" class="tt-cell paste-actions">
          {open && !decided && line.status === 'matched'
            ? button('accept', 'Accept', `Accept the match of line ${n}`)
            : null}
          {open ? button('choose', 'Choose…', `Choose a track for line ${n}`) : null}
          {open && line.decision !== 'skipped' ? button('skip', 'Skip', `Skip line ${n}`) : null}
          {decided ? button('undo', 'Undo', `Undo the decision on line ${n}`) : null}
        </div>
      </div>
    );
  }
}

/** The track a line gives (cover, title, artists, album, duration), or why there is none. */
function MatchCell({ line }: { line: PasteLine }) {
  const track = line.track;
  if (track && line.uri !== null) return <TrackSummary track={track} />;
  const text =
    line.status === 'pending'
      ? 'Matching…'
      : line.status === 'ambiguous'
        ? `${plural(line.candidates.length, 'candidate')}: choose one`
        : line.status === 'not_found'
          ? 'Nothing found in the catalog'
          : line.status === 'invalid'
            ? 'Not a track'
            : '';
  return <span class="muted small">{text}</span>;
}

/** A line's candidates, best first, and a search by hand; taking one decides the line. */
function ChooseDialog({
  line,
  accountId,
  searchDelayMs,
  onTake,
  onClose,
}: {
  line: PasteLine;
  accountId: number;
  searchDelayMs: number | undefined;
  onTake: (uri: string) => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      wide
      title={`Choose a track for line ${formatCount(line.line)}`}
      onClose={onClose}
      actions={
        <button type="button" class="btn" onClick={onClose}>
          Cancel
        </button>
      }
    >
      <p>
        <span class="muted">The line:</span> “{line.input}”
      </p>
      {line.candidates.length ? (
        <ul class="search-results" aria-label="Candidates" data-testid="paste-candidates">
          {line.candidates.map(({ track, score }) => (
            <li key={track.uri} class="search-result">
              <TrackSummary track={track} />
              <Badge title="How well it matches the line">{percent(score)}</Badge>
              <button
                type="button"
                class="btn btn-small"
                aria-label={`${track.uri === line.uri ? 'Keep' : 'Take'} ${track.name} by ${track.artists.join(', ')}`}
                aria-current={track.uri === line.uri || undefined}
                onClick={() => onTake(track.uri)}
              >
                {track.uri === line.uri ? 'Keep' : 'Take'}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">The matcher found no candidates for this line.</p>
      )}
      <SearchPanel
        accountId={accountId}
        length={0}
        busy={false}
        pickOnly
        idPrefix="paste-"
        delayMs={searchDelayMs}
        onAdd={(track) => onTake(track.uri)}
      />
    </Dialog>
  );
}
