import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { items } from '../test/fixtures';
import { useState } from 'preact/hooks';
import type { PlaylistItem } from '../api/client';
import type { Track } from '../lib/edit';
import { nextSort, PLAYLIST_ORDER, type TrackColumn, type TrackSort } from '../lib/track-filter';
import { emptySelection, type SelectionState } from '../lib/selection';
import { HEADER_HEIGHT, ROW_HEIGHT, TRACK_DRAG_TYPE, TrackTable } from './TrackTable';

describe('TrackTable', () => {
  it('renders only a window of rows for 10,000 items', () => {
    render(<TrackTable items={items(10_000)} label="Tracks" />);
    const table = screen.getByRole('table', { name: 'Tracks' });
    expect(table.getAttribute('aria-rowcount')).toBe('10001');
    const rows = screen.getAllByRole('row');
    // one header row + the visible window and its overscan
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(screen.getByText('Track 1')).toBeTruthy();
    expect(screen.queryByText('Track 10000')).toBeNull();
    // the body is as tall as all rows, so the scrollbar is right
    const body = table.querySelector('.tt-body') as HTMLElement;
    expect(body.style.height).toBe(`${10_000 * ROW_HEIGHT}px`);
  });

  it('renders the last rows after scrolling to the end', async () => {
    render(<TrackTable items={items(10_000)} label="Tracks" />);
    const table = screen.getByRole('table');
    table.scrollTop = 10_000 * ROW_HEIGHT;
    fireEvent.scroll(table);
    await waitFor(() => expect(screen.getByText('Track 10000')).toBeTruthy());
    expect(screen.getAllByRole('row').length).toBeLessThan(60);
    const last = screen.getByText('Track 10000').closest('[role=row]')!;
    expect(last.getAttribute('aria-rowindex')).toBe('10001');
  });

  it('links a row to where else its track is, but not a local file', () => {
    const list = items(2);
    list[1] = { ...list[1]!, is_local: true, name: 'Home demo' };
    render(
      <TrackTable
        items={list}
        label="Tracks"
        whereLink={(item) => (item.is_local ? null : `where?uri=${item.uri}`)}
      />,
    );
    const link = screen.getByRole('link', { name: 'Where else? Track 1' });
    expect(link.getAttribute('href')).toBe('/where?uri=spotify:track:t0');
    expect(screen.queryByRole('link', { name: 'Where else? Home demo' })).toBeNull();
  });

  it('shows durations, local files and unavailable tracks distinctly', () => {
    const list = items(3);
    list[1] = { ...list[1]!, is_local: true, name: 'Home demo' };
    list[2] = { ...list[2]!, unavailable: true, name: 'Gone song', duration_ms: 3_725_000 };
    render(<TrackTable items={list} label="Tracks" />);
    expect(screen.getByText('3:00')).toBeTruthy();
    expect(screen.getByText('Local file')).toBeTruthy();
    expect(screen.getByText('Unavailable')).toBeTruthy();
    expect(screen.getByText('1:02:05')).toBeTruthy();
    expect(screen.getByText('Home demo').closest('[role=row]')!.className).toContain('tt-local');
    expect(screen.getByText('Gone song').closest('[role=row]')!.className).toContain(
      'tt-unavailable',
    );
  });

  it('keeps the scroll position when the items are refreshed, and resets it for a new filter', () => {
    const { rerender } = render(<TrackTable items={items(1000)} label="Tracks" resetKey="" />);
    const table = screen.getByRole('table');
    table.scrollTop = 500 * ROW_HEIGHT;
    fireEvent.scroll(table);
    // a background refresh: a new array with the same filter
    rerender(<TrackTable items={items(1000)} label="Tracks" resetKey="" />);
    expect(table.scrollTop).toBe(500 * ROW_HEIGHT);
    // a shorter list: clamped to the end, not back to the top
    rerender(<TrackTable items={items(100)} label="Tracks" resetKey="" />);
    expect(table.scrollTop).toBeGreaterThan(0);
    expect(table.scrollTop).toBeLessThanOrEqual(100 * ROW_HEIGHT + HEADER_HEIGHT);
    // the filter changed: back to the top
    rerender(<TrackTable items={items(100)} label="Tracks" resetKey="track" />);
    expect(table.scrollTop).toBe(0);
  });
});

describe('TrackTable columns and links', () => {
  afterEach(() => localStorage.clear());

  function Sortable({ onSort }: { onSort: (column: TrackColumn) => void }) {
    const [sort, setSort] = useState<TrackSort>(PLAYLIST_ORDER);
    return (
      <TrackTable
        items={items(3)}
        label="Tracks"
        sort={sort}
        onSort={(column) => {
          onSort(column);
          setSort(nextSort(sort, column));
        }}
      />
    );
  }

  const header = (name: string) =>
    screen.getByRole('button', { name: new RegExp(`^${name}`) }).closest('[role=columnheader]')!;

  it('sorts from the header buttons and says which way with aria-sort', () => {
    const asked: TrackColumn[] = [];
    render(<Sortable onSort={(c) => asked.push(c)} />);
    expect(header('# position').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Title').getAttribute('aria-sort')).toBe('none');
    fireEvent.click(screen.getByRole('button', { name: /^Title/ }));
    expect(header('Title').getAttribute('aria-sort')).toBe('ascending');
    expect(header('# position').getAttribute('aria-sort')).toBe('none');
    fireEvent.click(screen.getByRole('button', { name: /^Title/ }));
    expect(header('Title').getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(screen.getByRole('button', { name: /^Added by/ }));
    expect(asked).toEqual(['title', 'title', 'added_by']);
    expect(screen.getAllByRole('columnheader')).toHaveLength(7);
  });

  it('opens tracks in Spotify in a new tab, but not local files', () => {
    const list = items(2);
    list[1] = {
      ...list[1]!,
      uri: 'spotify:local:a::Home+demo:60',
      is_local: true,
      name: 'Home demo',
    };
    render(<TrackTable items={list} label="Tracks" />);
    const link = screen.getByRole('link', { name: 'Open Track 1 in Spotify' });
    expect(link.getAttribute('href')).toBe('https://open.spotify.com/track/t0');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(link.textContent).toContain('Spotify');
    expect(screen.queryByRole('link', { name: /Home demo/ })).toBeNull();
  });

  it("makes the rows one tab stop, moved by the arrow keys, with the active row's links only", async () => {
    render(
      <TrackTable items={items(30)} label="Tracks" whereLink={(item) => `where?uri=${item.uri}`} />,
    );
    const table = screen.getByRole('table');
    expect(table.hasAttribute('tabindex')).toBe(false);
    const row = (i: number) => table.querySelector<HTMLElement>(`[data-row-index="${i}"]`)!;
    expect(row(0).tabIndex).toBe(0);
    expect(row(1).tabIndex).toBe(-1);
    const spotify = (name: string) => screen.getByRole('link', { name: `Open ${name} in Spotify` });
    expect(spotify('Track 1').tabIndex).toBe(0);
    expect(spotify('Track 2').tabIndex).toBe(-1);
    row(0).focus();
    fireEvent.keyDown(row(0), { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(row(1)));
    expect(row(0).tabIndex).toBe(-1);
    expect(spotify('Track 2').tabIndex).toBe(0);
    expect(screen.getByRole('link', { name: 'Where else? Track 1' }).tabIndex).toBe(-1);
  });

  it('resizes a column with the arrow keys and the pointer, and keeps the widths per user', () => {
    const { unmount } = render(<TrackTable items={items(3)} label="Tracks" widthsOwner={5} />);
    const table = screen.getByRole('table');
    const title = screen.getByRole('separator', { name: 'Resize the title column' });
    expect(title.getAttribute('tabindex')).toBe('0');
    // never resized: its default least width (no layout here to measure)
    expect(title.getAttribute('aria-valuenow')).toBe('192');
    fireEvent.keyDown(title, { key: 'ArrowRight' });
    expect(title.getAttribute('aria-valuenow')).toBe('208');
    fireEvent.keyDown(title, { key: 'ArrowLeft', shiftKey: true });
    expect(title.getAttribute('aria-valuenow')).toBe('144');
    expect(table.style.getPropertyValue('--tt-columns')).toContain(' 144px ');
    expect(table.style.getPropertyValue('--tt-min-width')).toBe(`${880 - 192 + 144}px`);

    const album = screen.getByRole('separator', { name: 'Resize the album column' });
    fireEvent.pointerDown(album, { button: 0, clientX: 500, pointerId: 1 });
    fireEvent.pointerMove(album, { clientX: 560, pointerId: 1 });
    expect(album.getAttribute('aria-valuenow')).toBe('204');
    fireEvent.pointerUp(album, { clientX: 600, pointerId: 1 });
    expect(JSON.parse(localStorage.getItem('plm.tracks.columns.5')!)).toEqual({
      title: 144,
      album: 204,
    });
    unmount();

    render(<TrackTable items={items(3)} label="Tracks" widthsOwner={5} />);
    const again = screen.getByRole('separator', { name: 'Resize the album column' });
    expect(again.getAttribute('aria-valuenow')).toBe('204');
    fireEvent.dblClick(again);
    expect(again.getAttribute('aria-valuenow')).toBe('144');
    expect(JSON.parse(localStorage.getItem('plm.tracks.columns.5')!)).toEqual({ title: 144 });
    expect(within(screen.getByRole('table')).getAllByRole('separator')).toHaveLength(7);
  });
});

describe('TrackTable editing', () => {
  /** A DataTransfer stand-in: happy-dom's drag events carry none. */
  function transfer(data: Record<string, string> = {}) {
    return {
      data,
      get types() {
        return Object.keys(this.data);
      },
      setData(type: string, value: string) {
        this.data[type] = value;
      },
      getData(type: string) {
        return this.data[type] ?? '';
      },
      dropEffect: 'none',
      effectAllowed: 'all',
    };
  }

  function Editable(props: {
    list: PlaylistItem[];
    onMove?: (indices: number[], gap: number) => void;
    onDropTrack?: (track: Track, gap: number) => void;
    onRemove?: () => void;
  }) {
    const [selection, setSelection] = useState<SelectionState>(emptySelection);
    return (
      <TrackTable
        items={props.list}
        label="Tracks"
        edit={{
          keyOf: (item) => String(item.position),
          selection,
          onSelection: setSelection,
          pending: new Set(),
          busy: false,
          onMove: props.onMove ?? (() => undefined),
          onDropTrack: props.onDropTrack,
          onRemove: props.onRemove,
        }}
      />
    );
  }

  /** A drag event carrying our DataTransfer stand-in (fireEvent would copy it read-only). */
  function drag(el: Element, type: string, dataTransfer: object, clientY = 0) {
    const event = new Event(type, { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'dataTransfer', { value: dataTransfer });
    Object.defineProperty(event, 'clientY', { value: clientY });
    act(() => {
      el.dispatchEvent(event);
    });
  }

  const rowOf = (title: string) => screen.getByText(title).closest('[role=row]')!;
  /** The pointer's y for a gap: the scroll area's top is 0 here (no layout), the header 40 px. */
  const yOfGap = (gap: number, below = false) =>
    HEADER_HEIGHT + gap * ROW_HEIGHT + (below ? ROW_HEIGHT / 2 - 4 : -ROW_HEIGHT / 2 + 4);

  it('drags an unselected row alone, with a drop line, to the gap under the pointer', () => {
    const moves: [number[], number][] = [];
    render(<Editable list={items(20)} onMove={(i, g) => moves.push([i, g])} />);
    const grid = screen.getByRole('grid', { name: 'Tracks' });
    fireEvent.click(rowOf('Track 5'));
    const dt = transfer();
    drag(rowOf('Track 1'), 'dragstart', dt);
    expect(rowOf('Track 1').getAttribute('aria-selected')).toBe('true');
    expect(rowOf('Track 5').getAttribute('aria-selected')).toBe('false');
    drag(grid, 'dragover', dt, yOfGap(4, true));
    expect(screen.getByTestId('drop-line').style.transform).toBe(
      `translateY(${4 * ROW_HEIGHT - 1}px)`,
    );
    drag(grid, 'drop', dt, yOfGap(4, true));
    expect(moves).toEqual([[[0], 4]]);
    expect(screen.queryByTestId('drop-line')).toBeNull();
  });

  it('drags the whole selection when a selected row is dragged', () => {
    const moves: [number[], number][] = [];
    render(<Editable list={items(20)} onMove={(i, g) => moves.push([i, g])} />);
    const grid = screen.getByRole('grid');
    fireEvent.click(rowOf('Track 2'));
    fireEvent.click(rowOf('Track 4'), { shiftKey: true });
    fireEvent.click(rowOf('Track 9'), { ctrlKey: true });
    const dt = transfer();
    drag(rowOf('Track 3'), 'dragstart', dt);
    drag(grid, 'drop', dt, yOfGap(0));
    expect(moves).toEqual([[[1, 2, 3, 8], 0]]);
  });

  it('takes a search result dropped into it, and ignores other drags', () => {
    const drops: [string, number][] = [];
    const moves: unknown[] = [];
    render(
      <Editable
        list={items(5)}
        onMove={(...m) => moves.push(m)}
        onDropTrack={(t, g) => drops.push([t.uri, g])}
      />,
    );
    const grid = screen.getByRole('grid');
    const foreign = transfer({ 'text/plain': 'hello' });
    drag(grid, 'dragover', foreign, yOfGap(2));
    expect(screen.queryByTestId('drop-line')).toBeNull();
    const dt = transfer({ [TRACK_DRAG_TYPE]: JSON.stringify({ uri: 'spotify:track:new' }) });
    drag(grid, 'dragover', dt, yOfGap(2));
    expect(screen.getByTestId('drop-line')).toBeTruthy();
    drag(grid, 'drop', dt, yOfGap(2));
    expect(drops).toEqual([['spotify:track:new', 2]]);
    expect(moves).toEqual([]);
  });

  it("leaves the header's keys to the header: resizing moves no row", () => {
    const moves: [number[], number][] = [];
    render(<Editable list={items(4)} onMove={(i, g) => moves.push([i, g])} />);
    const grid = screen.getByRole('grid');
    const resizer = screen.getByRole('separator', { name: 'Resize the title column' });
    fireEvent.keyDown(resizer, { key: 'ArrowDown' });
    fireEvent.keyDown(resizer, { key: ' ' });
    expect(grid.getAttribute('aria-activedescendant')).toBe('tt-row-0');
    expect(grid.querySelectorAll('[aria-selected=true]')).toHaveLength(0);
    expect(moves).toEqual([]);
    expect(resizer.getAttribute('aria-valuenow')).toBe('176');
  });

  it('selects and moves with the keyboard, clears with Escape, asks to remove with Delete', () => {
    const moves: [number[], number][] = [];
    let removes = 0;
    render(
      <Editable list={items(6)} onMove={(i, g) => moves.push([i, g])} onRemove={() => removes++} />,
    );
    const grid = screen.getByRole('grid');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    expect(grid.getAttribute('aria-activedescendant')).toBe('tt-row-2');
    expect(rowOf('Track 2').getAttribute('aria-selected')).toBe('true');
    expect(rowOf('Track 3').getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(grid, { key: 'ArrowUp', altKey: true });
    fireEvent.keyDown(grid, { key: 'ArrowDown', altKey: true });
    expect(moves).toEqual([
      [[1, 2], 0],
      [[1, 2], 4],
    ]);
    fireEvent.keyDown(grid, { key: 'Delete' });
    expect(removes).toBe(1);
    fireEvent.keyDown(grid, { key: 'Escape' });
    expect(rowOf('Track 2').getAttribute('aria-selected')).toBe('false');
    fireEvent.keyDown(grid, { key: 'Delete' });
    expect(removes).toBe(1);
    fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
    expect(
      screen.getAllByRole('row').filter((r) => r.getAttribute('aria-selected') === 'true'),
    ).toHaveLength(6);
  });
});
