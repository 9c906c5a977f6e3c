import { fireEvent, render, screen } from '@testing-library/preact';
import { useRef, useState } from 'preact/hooks';
import { describe, expect, it, vi } from 'vitest';
import { keepRowRendered, nextRowIndex, rowIndexOf, useRowNavigation } from './row-navigation';

describe('nextRowIndex', () => {
  it('moves by one, by a page, to the ends, and stays inside the rows', () => {
    expect(nextRowIndex('ArrowDown', 3, 10, 4)).toBe(4);
    expect(nextRowIndex('ArrowUp', 3, 10, 4)).toBe(2);
    expect(nextRowIndex('ArrowUp', 0, 10, 4)).toBe(0);
    expect(nextRowIndex('ArrowDown', 9, 10, 4)).toBe(9);
    expect(nextRowIndex('PageDown', 3, 10, 4)).toBe(7);
    expect(nextRowIndex('PageDown', 8, 10, 4)).toBe(9);
    expect(nextRowIndex('PageUp', 2, 10, 4)).toBe(0);
    expect(nextRowIndex('Home', 7, 10, 4)).toBe(0);
    expect(nextRowIndex('End', 2, 10, 4)).toBe(9);
  });

  it('ignores other keys and empty tables, and clamps a stale index', () => {
    expect(nextRowIndex('a', 3, 10, 4)).toBeNull();
    expect(nextRowIndex('ArrowDown', 0, 0, 4)).toBeNull();
    expect(nextRowIndex('ArrowUp', 50, 10, 4)).toBe(8);
    expect(nextRowIndex('PageDown', 0, 10, 0)).toBe(1);
  });
});

describe('keepRowRendered and rowIndexOf', () => {
  it('adds the active row to the rendered range in order, once', () => {
    expect(keepRowRendered([10, 11, 12], 2, 100)).toEqual([2, 10, 11, 12]);
    expect(keepRowRendered([10, 11, 12], 11, 100)).toEqual([10, 11, 12]);
    expect(keepRowRendered([0, 1], 5, 3)).toEqual([0, 1]);
  });

  it('finds the row of a control inside it', () => {
    const row = document.createElement('div');
    row.setAttribute('data-row-index', '7');
    const box = document.createElement('input');
    row.append(box);
    expect(rowIndexOf(box)).toBe(7);
    expect(rowIndexOf(document.body)).toBeNull();
  });
});

/** 100 rows of which only a window of 5 is rendered, moved by scrollToIndex like a virtualizer. */
function Table({ onOpen, onToggle }: { onOpen?: (i: number) => void; onToggle?: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [first, setFirst] = useState(0);
  const nav = useRowNavigation(ref, {
    count: 100,
    pageSize: 5,
    scrollToIndex: (i) => setFirst(i < first || i >= first + 5 ? Math.max(0, i - 2) : first),
    onOpen,
    onToggle,
  });
  const shown = keepRowRendered(
    Array.from({ length: 5 }, (_, k) => first + k).filter((i) => i < 100),
    nav.active,
    100,
  );
  return (
    <div ref={ref} role="grid" onKeyDown={nav.onKeyDown} onFocusIn={nav.onFocusIn}>
      {shown.map((i) => (
        <div role="row" key={i} aria-label={`Row ${i}`} {...nav.rowProps(i)}>
          <input type="checkbox" tabIndex={-1} aria-label={`Select ${i}`} />
        </div>
      ))}
    </div>
  );
}

describe('useRowNavigation', () => {
  it('keeps one tab stop and moves focus with the arrows, past the rendered rows', async () => {
    render(<Table />);
    const tabStops = () => screen.getAllByRole('row').filter((r) => r.tabIndex === 0);
    expect(tabStops().map((r) => r.getAttribute('aria-label'))).toEqual(['Row 0']);
    screen.getByLabelText('Row 0').focus();
    for (let i = 0; i < 6; i++) fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    // Row 6 was outside the first window: scrolled in, then focused after the render.
    expect(await screen.findByLabelText('Row 6')).toBe(document.activeElement);
    expect(tabStops().map((r) => r.getAttribute('aria-label'))).toEqual(['Row 6']);
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(await screen.findByLabelText('Row 99')).toBe(document.activeElement);
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(await screen.findByLabelText('Row 0')).toBe(document.activeElement);
  });

  it('opens with Enter, toggles with Space, and moves from a control inside a row', () => {
    const onOpen = vi.fn();
    const onToggle = vi.fn();
    render(<Table onOpen={onOpen} onToggle={onToggle} />);
    const row = screen.getByLabelText('Row 0');
    row.focus();
    fireEvent.keyDown(row, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(0);
    fireEvent.keyDown(row, { key: ' ', shiftKey: true });
    expect(onToggle).toHaveBeenCalledWith(0, true);
    const box = screen.getByLabelText('Select 2');
    box.focus();
    // Space on the checkbox itself is the checkbox's own (no double toggle).
    fireEvent.keyDown(box, { key: ' ' });
    expect(onToggle).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByLabelText('Row 3'));
  });
});
