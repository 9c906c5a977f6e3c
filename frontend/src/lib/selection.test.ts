import { describe, expect, it } from 'vitest';
import {
  clickRow,
  emptySelection,
  pointRow,
  pruneSelection,
  selectedIndices,
  setAllVisible,
  visibleSelectionState,
} from './selection';

const keys = ['a', 'b', 'c', 'd', 'e'];

describe('multi-select', () => {
  it('toggles one row on a plain click', () => {
    let s = clickRow(emptySelection, keys, 'b', false);
    expect([...s.selected]).toEqual(['b']);
    s = clickRow(s, keys, 'b', false);
    expect([...s.selected]).toEqual([]);
  });

  it('selects the range from the anchor on shift-click, in either direction', () => {
    let s = clickRow(emptySelection, keys, 'b', false);
    s = clickRow(s, keys, 'd', true);
    expect([...s.selected].sort()).toEqual(['b', 'c', 'd']);
    s = clickRow(emptySelection, keys, 'e', false);
    s = clickRow(s, keys, 'c', true);
    expect([...s.selected].sort()).toEqual(['c', 'd', 'e']);
  });

  it('unselects a range when the shift-clicked row was selected', () => {
    let s = setAllVisible(emptySelection, keys, true);
    s = clickRow(s, keys, 'a', false); // a off, anchor a
    s = clickRow(s, keys, 'c', true); // c was on -> a..c off
    expect([...s.selected].sort()).toEqual(['d', 'e']);
  });

  it('selects all visible rows without touching hidden ones, and reports the header state', () => {
    let s = clickRow(emptySelection, keys, 'z', false); // selected while visible, now filtered out
    s = setAllVisible(s, ['a', 'b'], true);
    expect([...s.selected].sort()).toEqual(['a', 'b', 'z']);
    expect(visibleSelectionState(s.selected, ['a', 'b'])).toBe('all');
    expect(visibleSelectionState(s.selected, ['a', 'c'])).toBe('some');
    expect(visibleSelectionState(s.selected, ['c'])).toBe('none');
    s = setAllVisible(s, ['a', 'b'], false);
    expect([...s.selected]).toEqual(['z']);
    expect(pruneSelection(s, new Set(['a'])).selected.size).toBe(0);
  });
});

describe('list selection (click, shift-click, ctrl-click)', () => {
  it('selects one row on a plain click, toggles with ctrl, ranges with shift', () => {
    let s = pointRow(emptySelection, keys, 'b', { shift: false, toggle: false });
    s = pointRow(s, keys, 'd', { shift: false, toggle: true });
    expect(selectedIndices(s.selected, keys)).toEqual([1, 3]);
    s = pointRow(s, keys, 'a', { shift: false, toggle: false });
    expect(selectedIndices(s.selected, keys)).toEqual([0]);
    s = pointRow(s, keys, 'c', { shift: true, toggle: false });
    expect(selectedIndices(s.selected, keys)).toEqual([0, 1, 2]);
    expect(s.anchor).toBe('a');
    s = pointRow(s, keys, 'e', { shift: false, toggle: true });
    s = pointRow(s, keys, 'd', { shift: true, toggle: true });
    expect(selectedIndices(s.selected, keys)).toEqual([0, 1, 2, 3, 4]);
    s = pointRow(s, keys, 'd', { shift: false, toggle: true });
    expect(selectedIndices(s.selected, keys)).toEqual([0, 1, 2, 4]);
  });
});
