// The list of playlists: a real <table> (a few hundred rows render fast), sortable headers with
// aria-sort, checkboxes with shift-click ranges, and Up/Down arrows moving between rows.
import { useEffect, useRef } from 'preact/hooks';
import type { Playlist } from '../api/client';
import { playlistPath } from '../routes';
import { formatCount, formatRelative } from '../lib/format';
import { playlistKey, type SortDir, type SortKey } from '../lib/playlist-query';
import { visibleSelectionState } from '../lib/selection';
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
}

const sortable: { key: SortKey; label: string; className: string }[] = [
  { key: 'name', label: 'Name', className: 'pt-name' },
  { key: 'owner', label: 'Owner', className: 'pt-owner' },
  { key: 'tracks', label: 'Tracks', className: 'pt-tracks num' },
  { key: 'synced', label: 'Last synced', className: 'pt-synced' },
];

export function PlaylistTable(props: Props) {
  const { playlists, selected, sort, dir } = props;
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

  return (
    <div class="table-wrap">
      <table class="pt" onKeyDown={onKeyDown}>
        <caption class="visually-hidden">
          Playlists, {formatCount(playlists.length)} shown. Use the column buttons to sort.
        </caption>
        <thead>
          <tr>
            <th scope="col" class="pt-check">
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
            <th scope="col" class="pt-cover">
              <span class="visually-hidden">Cover</span>
            </th>
            {sortable.slice(0, 2).map((c) => header(c.key, c.label, c.className))}
            {header('tracks', 'Tracks', 'pt-tracks num')}
            <th scope="col" class="pt-flags">
              Visibility
            </th>
            <th scope="col" class="pt-tags">
              Tags
            </th>
            {header('synced', 'Last synced', 'pt-synced')}
          </tr>
        </thead>
        <tbody>
          {playlists.map((p, i) => {
            const key = keys[i]!;
            const isSelected = selected.has(key);
            return (
              <tr key={key} class={isSelected ? 'selected' : undefined} data-testid="playlist-row">
                <td class="pt-check">
                  <input
                    type="checkbox"
                    data-nav="check"
                    aria-label={`Select ${p.name}`}
                    checked={isSelected}
                    onClick={(e) => props.onToggle(key, e.shiftKey)}
                  />
                </td>
                <td class="pt-cover">
                  <Cover url={p.image_url} size={40} />
                </td>
                <td class="pt-name">
                  <Link
                    to={playlistPath(p.account_id, p.id)}
                    data-nav="link"
                    class="pt-link"
                    onClick={props.onOpen}
                  >
                    {p.name || 'Untitled playlist'}
                  </Link>
                  {p.description ? <div class="pt-desc">{p.description}</div> : null}
                  {props.accountNames ? (
                    <div class="pt-account muted">{props.accountNames.get(p.account_id) ?? ''}</div>
                  ) : null}
                </td>
                <td class="pt-owner">
                  {p.owner_name || p.owner_id}
                  {p.owned ? <span class="visually-hidden"> (you)</span> : null}
                </td>
                <td class="pt-tracks num">{formatCount(p.track_count)}</td>
                <td class="pt-flags">
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
                <td class="pt-tags">
                  <span class="tags">
                    {p.tags.map((t) => (
                      <span class="tag" key={t}>
                        {t}
                      </span>
                    ))}
                  </span>
                </td>
                <td class="pt-synced" title={p.synced_at ?? undefined}>
                  {p.synced_at ? formatRelative(p.synced_at) : 'never'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
