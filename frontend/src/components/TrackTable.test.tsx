import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { items } from '../test/fixtures';
import { HEADER_HEIGHT, ROW_HEIGHT, TrackTable } from './TrackTable';

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
