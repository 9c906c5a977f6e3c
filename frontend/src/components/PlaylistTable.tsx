// The list of playlists: a <table> with every row in the DOM (so find-in-page, the tests and
// screen readers see them all), sortable headers with aria-sort, checkboxes with shift-click
// ranges, and Up/Down arrows moving between rows.
//
// Cheap with hundreds of rows: each row is its own fixed-column grid (styles.css, `.pt`) with
// `content-visibility: auto`, so the browser styles and lays out only the rows near the viewport
// (internal table boxes cannot be contained, hence the grid; the explicit ARIA roles keep the table
// semantics that `display` would otherwise drop), and rows are components that re-render only when
// their own playlist, selection or account name changes.
//
// Two densities: comfortable (cover, description, account) and compact (one line per playlist,
// no cover, long names cut with an ellipsis and whole in the tooltip), set on the table's class so
// switching never re-renders a row's content beyond the cover and the second lines.
import { Component } from 'preact';
import { useCallback, useEffect, useRef } from 'preact/hooks';
import type { Playlist } from '../api/client';
import { playlistPath } from '../routes';
import { formatCount, formatRelative } from '../lib/format';
import { playlistKey, type SortDir, type SortKey } from '../lib/playlist-query';
import { visibleSelectionState } from '../lib/selection';
import type { Density } from '../lib/workspace';
import { Link } from './Link';
import { Badge, Cover } from './ui';

interface Props {
  playlists: readonly Playlist[];
  selected: ReadonlySet<string>;
  onToggle: (key: string, shift: boolean) => void;
  onToggleAll: (on: boolean) => void;
  sort: SortKey;
  dir: SortDir;
  onSort: (key: SortKey) => void;
  /** Account names, shown when there is more than one account. */
  accountNames: ReadonlyMap<number, string> | null;
  /** Where the playlist links go back to (the list's query), remembered by the caller. */
  onOpen?: () => void;
  density?: Density;
}

const sortable: { key: SortKey; label: string; className: string }[] = [
  { key: 'name', label: 'Name', className: 'pt-name' },
  { key: 'owner', label: 'Owner', className: 'pt-owner' },
  { key: 'tracks', label: 'Tracks', className: 'pt-tracks num' },
  { key: 'synced', label: 'Last synced', className: 'pt-synced' },
];

export function PlaylistTable(props: Props) {
  const { playlists, selected, sort, dir } = props;
  const compact = props.density === 'compact';
  const keys = playlists.map(playlistKey);
  const all = visibleSelectionState(selected, keys);
  const headerBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerBox.current) headerBox.current.indeterminate = all === 'some';
  }, [all]);

  const header = (key: SortKey, label: string, className: string) => {
    const active = sort === key;
    return (
      <th
        scope="col"
        role="columnheader"
        class={className}
        key={key}
        aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <button type="button" class="sort-btn" onClick={() => props.onSort(key)}>
          {label}
          <span class={`sort-arrow${active ? ' active' : ''}`} aria-hidden="true">
            {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  // Up/Down move focus to the same kind of control in the next/previous row.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const target = e.target as HTMLElement;
    const row = target.closest('tr');
    const role = target.getAttribute('data-nav');
    if (!row || !role) return;
    const sibling = (
      e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling
    ) as HTMLElement | null;
    const next = sibling?.querySelector<HTMLElement>(`[data-nav="${role}"]`);
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  // Stable handlers, so a row's props change only with its own data.
  const latest = useRef(props);
  latest.current = props;
  const toggle = useCallback(
    (key: string, shift: boolean) => latest.current.onToggle(key, shift),
    [],
  );
  const open = useCallback(() => latest.current.onOpen?.(), []);

  return (
    <div class="table-wrap">
      <table
        class={compact ? 'pt pt-compact' : 'pt'}
        role="table"
        aria-rowcount={playlists.length + 1}
        onKeyDown={onKeyDown}
      >
        <caption class="visually-hidden">
          Playlists, {formatCount(playlists.length)} shown. Use the column buttons to sort.
        </caption>
        <thead role="rowgroup">
          <tr role="row" aria-rowindex={1}>
            <th scope="col" role="columnheader" class="pt-check">
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
            </th>
            <th scope="col" role="columnheader" class="pt-cover">
              <span class="visually-hidden">Cover</span>
            </th>
            {sortable.slice(0, 2).map((c) => header(c.key, c.label, c.className))}
            {header('tracks', 'Tracks', 'pt-tracks num')}
            <th scope="col" role="columnheader" class="pt-flags">
              Visibility
            </th>
            <th scope="col" role="columnheader" class="pt-tags">
              Tags
            </th>
            {header('synced', 'Last synced', 'pt-synced')}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {playlists.map((p, i) => {
            const key = keys[i]!;
            return (
              <PlaylistRow
                key={key}
                playlist={p}
                rowKey={key}
                index={i}
                selected={selected.has(key)}
                accountName={
                  props.accountNames ? (props.accountNames.get(p.account_id) ?? '') : null
                }
                compact={compact}
                onToggle={toggle}
                onOpen={open}
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

interface RowProps {
  playlist: Playlist;
  rowKey: string;
  /** 0-based position among the shown playlists. */
  index: number;
  selected: boolean;
  /** The account's name when several accounts are shown, else null. */
  accountName: string | null;
  compact: boolean;
  onToggle: (key: string, shift: boolean) => void;
  onOpen: () => void;
}

class PlaylistRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return (
      next.playlist !== p.playlist ||
      next.rowKey !== p.rowKey ||
      next.index !== p.index ||
      next.selected !== p.selected ||
      next.accountName !== p.accountName ||
      next.compact !== p.compact ||
      next.onToggle !== p.onToggle ||
      next.onOpen !== p.onOpen
    );
  }

  override render({
    playlist: p,
    rowKey,
    index,
    selected,
    accountName,
    compact,
    onToggle,
    onOpen,
  }: RowProps) {
    const name = p.name || 'Untitled playlist';
    return (
      <tr
        role="row"
        aria-rowindex={index + 2}
        class={selected ? 'selected' : undefined}
        data-testid="playlist-row"
      >
        <td role="cell" class="pt-check">
          <input
            type="checkbox"
            data-nav="check"
            aria-label={`Select ${p.name}`}
            checked={selected}
            onClick={(e) => onToggle(rowKey, e.shiftKey)}
          />
        </td>
        <td role="cell" class="pt-cover">
          {compact ? null : <Cover url={p.image_url} size={40} />}
        </td>
        <td role="cell" class="pt-name">
          {p.read_only_reason !== null ? <ReadOnlyMark reason={p.read_only_reason} /> : null}
          <Link
            to={playlistPath(p.account_id, p.id)}
            data-nav="link"
            class="pt-link"
            onClick={onOpen}
            title={compact ? (accountName ? `${name} (${accountName})` : name) : undefined}
          >
            {name}
          </Link>
          {!compact && p.description ? <div class="pt-desc">{p.description}</div> : null}
          {!compact && accountName !== null ? (
            <div class="pt-account muted">{accountName}</div>
          ) : null}
        </td>
        <td role="cell" class="pt-owner">
          {p.owner_name || p.owner_id}
          {p.owned ? <span class="visually-hidden"> (you)</span> : null}
        </td>
        <td role="cell" class="pt-tracks num">
          {formatCount(p.track_count)}
        </td>
        <td role="cell" class="pt-flags">
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
        </td>
        <td role="cell" class="pt-tags">
          {p.tags.length > 0 ? (
            <span class="tags">
              {p.tags.map((t) => (
                <span class="tag" key={t}>
                  {t}
                </span>
              ))}
            </span>
          ) : null}
        </td>
        <td role="cell" class="pt-synced" title={p.synced_at ?? undefined}>
          {p.synced_at ? formatRelative(p.synced_at) : 'never'}
        </td>
      </tr>
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
