// The list of playlists, virtualized like the track table (components/virtual-rows.ts): a fixed
// row height per density, only the visible rows (plus a few, plus the row holding the tab stop) in
// the DOM, in a scroll area of its own whose column headers stay in view (sticky inside the area
// that scrolls, both ways: a sticky header inside a wrapper that only scrolls sideways never
// sticks). 2,000 playlists cost what 30 cost.
//
// The keyboard (components/row-navigation.ts): the rows are one tab stop, arrows, Page Up/Down,
// Home and End move between them, Enter opens the playlist, Space selects (Shift+Space extends
// from the last one); the checkboxes and links inside the rows (the playlist's name, "Spotify ↗")
// stay out of the tab order. The headers keep select-all and the sort buttons (aria-sort). ARIA
// table roles on the grid of divs tell screen readers the row count and each row's index, rendered
// or not.
//
// Two densities: comfortable (cover, description, account) and compact (one line per playlist,
// no cover); long names are cut with an ellipsis and whole in the tooltip.
import { Component } from 'preact';
import { useCallback, useEffect, useRef } from 'preact/hooks';
import { defaultRangeExtractor, type Range } from '@tanstack/virtual-core';
import type { Playlist } from '../api/client';
import { playlistPath } from '../routes';
import { formatCount, formatRelative } from '../lib/format';
import type { SortDir, SortKey } from '../lib/playlist-query';
import { visibleSelectionState } from '../lib/selection';
import type { Density } from '../lib/workspace';
import { Link } from './Link';
import { keepRowRendered, useRowNavigation } from './row-navigation';
import { SpotifyLink } from './SpotifyLink';
import { Badge, Cover } from './ui';
import { useScrollToTopOn, useVirtualRows } from './virtual-rows';

export const ROW_HEIGHT = { comfortable: 56, compact: 24 } as const;
export const HEADER_HEIGHT = 40;

interface Props {
  playlists: readonly Playlist[];
  /** playlistKey() of each playlist, in the same order. */
  keys: readonly string[];
  selected: ReadonlySet<string>;
  onToggle: (key: string, shift: boolean) => void;
  onToggleAll: (on: boolean) => void;
  sort: SortKey;
  dir: SortDir;
  onSort: (key: SortKey) => void;
  /** Account names, shown when there is more than one account. */
  accountNames: ReadonlyMap<number, string> | null;
  /**
   * What the rows are filtered and sorted by: when it changes the list goes back to the top and
   * the tab stop to the first row; when only the playlists change (a refresh) both stay.
   */
  resetKey?: string;
  density?: Density;
}

const sortable: { key: SortKey; label: string; className: string }[] = [
  { key: 'name', label: 'Name', className: 'pt-name' },
  { key: 'owner', label: 'Owner', className: 'pt-owner' },
  { key: 'tracks', label: 'Tracks', className: 'pt-tracks num' },
  { key: 'synced', label: 'Last synced', className: 'pt-synced' },
];

export function PlaylistTable(props: Props) {
  const { playlists, keys, selected, sort, dir, resetKey = '' } = props;
  const compact = props.density === 'compact';
  const rowHeight = compact ? ROW_HEIGHT.compact : ROW_HEIGHT.comfortable;
  const all = visibleSelectionState(selected, keys);
  const headerBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerBox.current) headerBox.current.indeterminate = all === 'some';
  }, [all]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const activeRow = useRef(0);
  const virtualizer = useVirtualRows(scrollRef, {
    count: playlists.length,
    rowHeight,
    headerHeight: HEADER_HEIGHT,
    // The row holding the tab stop stays rendered, or Tab would skip the table once it scrolled.
    rangeExtractor: (range: Range) =>
      keepRowRendered(defaultRangeExtractor(range), activeRow.current, range.count),
  });
  // Another density changes every row's height: measure again.
  useEffect(() => virtualizer.measure(), [rowHeight]);

  const nav = useRowNavigation(scrollRef, {
    count: playlists.length,
    resetKey,
    pageSize: Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / rowHeight) - 2),
    scrollToIndex: (index) => virtualizer.scrollToIndex(index),
    onOpen: (index) =>
      scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${index}"] a`)?.click(),
    onToggle: (index, shift) => props.onToggle(keys[index]!, shift),
  });
  activeRow.current = nav.active;

  useScrollToTopOn(scrollRef, resetKey);

  const header = (key: SortKey, label: string, className: string) => {
    const active = sort === key;
    return (
      <div
        role="columnheader"
        class={`pt-cell ${className}`}
        key={key}
        aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <button type="button" class="sort-btn" onClick={() => props.onSort(key)}>
          {label}
          <span class={`sort-arrow${active ? ' active' : ''}`} aria-hidden="true">
            {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </div>
    );
  };

  // Stable handlers, so a row's props change only with its own data.
  const latest = useRef(props);
  latest.current = props;
  const toggle = useCallback(
    (key: string, shift: boolean) => latest.current.onToggle(key, shift),
    [],
  );

  const rows = virtualizer.getVirtualItems();
  const bodyHeight = Math.max(0, virtualizer.getTotalSize() - HEADER_HEIGHT);
  return (
    <div
      ref={scrollRef}
      class={compact ? 'pt-scroll pt-compact' : 'pt-scroll'}
      role="table"
      aria-label={`Playlists, ${formatCount(playlists.length)} shown`}
      aria-rowcount={playlists.length + 1}
      data-testid="playlist-table"
      onKeyDown={nav.onKeyDown}
      onFocusIn={nav.onFocusIn}
    >
      <div role="rowgroup" class="pt-head">
        <div role="row" aria-rowindex={1} class="pt-row pt-header-row">
          <div role="columnheader" class="pt-cell pt-check">
            <input
              ref={headerBox}
              type="checkbox"
              aria-label={
                all === 'all' ? 'Unselect all shown playlists' : 'Select all shown playlists'
              }
              checked={all === 'all'}
              disabled={playlists.length === 0}
              onChange={() => props.onToggleAll(all !== 'all')}
            />
          </div>
          <div role="columnheader" class="pt-cell pt-cover">
            <span class="visually-hidden">Cover</span>
          </div>
          {sortable.slice(0, 3).map((c) => header(c.key, c.label, c.className))}
          <div role="columnheader" class="pt-cell pt-flags">
            Visibility
          </div>
          <div role="columnheader" class="pt-cell pt-tags">
            Tags
          </div>
          {header('synced', 'Last synced', 'pt-synced')}
        </div>
      </div>
      <div role="rowgroup" class="pt-body" style={{ height: `${bodyHeight}px` }}>
        {rows.map((row) => {
          const p = playlists[row.index]!;
          const key = keys[row.index]!;
          return (
            // Keyed by position: a new sort or filter patches the rendered rows' text instead of
            // replacing every row's elements.
            <PlaylistRow
              key={row.index}
              playlist={p}
              rowKey={key}
              index={row.index}
              top={row.start - HEADER_HEIGHT}
              active={row.index === nav.active}
              selected={selected.has(key)}
              accountName={props.accountNames ? (props.accountNames.get(p.account_id) ?? '') : null}
              compact={compact}
              onToggle={toggle}
            />
          );
        })}
      </div>
    </div>
  );
}

interface RowProps {
  playlist: Playlist;
  rowKey: string;
  /** 0-based position among the shown playlists. */
  index: number;
  /** Pixels from the top of the rows. */
  top: number;
  /** The row holding the table's tab stop. */
  active: boolean;
  selected: boolean;
  /** The account's name when several accounts are shown, else null. */
  accountName: string | null;
  compact: boolean;
  onToggle: (key: string, shift: boolean) => void;
}

class PlaylistRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return (
      next.playlist !== p.playlist ||
      next.rowKey !== p.rowKey ||
      next.index !== p.index ||
      next.top !== p.top ||
      next.active !== p.active ||
      next.selected !== p.selected ||
      next.accountName !== p.accountName ||
      next.compact !== p.compact ||
      next.onToggle !== p.onToggle
    );
  }

  override render({
    playlist: p,
    rowKey,
    index,
    top,
    active,
    selected,
    accountName,
    compact,
    onToggle,
  }: RowProps) {
    const name = p.name || 'Untitled playlist';
    return (
      <div
        role="row"
        aria-rowindex={index + 2}
        data-row-index={index}
        tabIndex={active ? 0 : -1}
        class={`pt-row${selected ? ' selected' : ''}${index % 2 ? ' pt-odd' : ''}`}
        style={{ transform: `translateY(${top}px)` }}
        data-testid="playlist-row"
      >
        <div role="cell" class="pt-cell pt-cell pt-check">
          <input
            type="checkbox"
            tabIndex={-1}
            aria-label={`Select ${p.name}`}
            checked={selected}
            onClick={(e) => onToggle(rowKey, e.shiftKey)}
          />
        </div>
        <div role="cell" class="pt-cell pt-cell pt-cover">
          {compact ? null : <Cover url={p.image_url} size={40} />}
        </div>
        <div role="cell" class="pt-cell pt-cell pt-name">
          <div class="pt-name-line">
            {p.read_only_reason !== null ? <ReadOnlyMark reason={p.read_only_reason} /> : null}
            <Link
              to={playlistPath(p.account_id, p.id)}
              tabIndex={-1}
              class="pt-link"
              title={accountName ? `${name} (${accountName})` : name}
            >
              {name}
            </Link>
          </div>
          {!compact && (accountName || p.description) ? (
            <div class="pt-desc">
              {accountName ? <span class="pt-account">{accountName}</span> : null}
              {accountName && p.description ? ' · ' : null}
              {p.description}
            </div>
          ) : null}
        </div>
        <div role="cell" class="pt-cell pt-owner">
          {p.owner_name || p.owner_id}
          {p.owned ? <span class="visually-hidden"> (you)</span> : null}
        </div>
        <div role="cell" class="pt-cell pt-tracks num">
          {formatCount(p.track_count)}
        </div>
        <div role="cell" class="pt-cell pt-flags">
          <span class="badges">
            {p.public ? <Badge kind="accent">Public</Badge> : <Badge>Private</Badge>}
            {p.collaborative ? <Badge kind="ok">Collaborative</Badge> : null}
            {!p.items_readable ? (
              <Badge
                kind="warn"
                title="Spotify does not let development-mode apps read the tracks of followed playlists"
              >
                Tracks hidden
              </Badge>
            ) : null}
          </span>
          <SpotifyLink
            uri={`spotify:playlist:${p.id}`}
            title={name}
            class="spotify-link pt-spotify"
            tabIndex={-1}
          />
        </div>
        <div role="cell" class="pt-cell pt-tags">
          {p.tags.length > 0 ? (
            <span class="tags">
              {p.tags.map((t) => (
                <span class="tag" key={t}>
                  {t}
                </span>
              ))}
            </span>
          ) : null}
        </div>
        <div role="cell" class="pt-cell pt-synced" title={p.synced_at ?? undefined}>
          {p.synced_at ? formatRelative(p.synced_at) : 'never'}
        </div>
      </div>
    );
  }
}

/** A lock before the name of a playlist the account may not change, with the reason. */
function ReadOnlyMark({ reason }: { reason: string }) {
  return (
    <span class="ro-mark" title={reason} data-testid="read-only">
      <span aria-hidden="true">🔒</span>
      <span class="visually-hidden">Read-only: {reason}. </span>
    </span>
  );
}
