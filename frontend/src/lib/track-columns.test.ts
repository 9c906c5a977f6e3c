import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_COLUMN_WIDTH,
  MIN_COLUMN_WIDTH,
  gridTemplate,
  storeWidths,
  storedWidths,
  tableMinWidth,
  widthForKey,
} from './track-columns';

afterEach(() => localStorage.clear());

describe('track table columns', () => {
  it('keeps the flexible default of a column never resized', () => {
    expect(gridTemplate({})).toBe(
      '5rem minmax(12rem, 2.2fr) minmax(9rem, 1.5fr) minmax(9rem, 1.5fr) 6.5rem 7.5rem minmax(6rem, 0.9fr)',
    );
    expect(gridTemplate({ title: 400, added_by: 120 })).toBe(
      '5rem 400px minmax(9rem, 1.5fr) minmax(9rem, 1.5fr) 6.5rem 7.5rem 120px',
    );
    expect(tableMinWidth({})).toBe(880);
    expect(tableMinWidth({ title: 400 })).toBe(880 - 192 + 400);
  });

  it('resizes with the arrow keys, faster with Shift, within bounds', () => {
    expect(widthForKey(200, 'ArrowRight', false)).toBe(216);
    expect(widthForKey(200, 'ArrowLeft', true)).toBe(136);
    expect(widthForKey(50, 'ArrowLeft', false)).toBe(MIN_COLUMN_WIDTH);
    expect(widthForKey(200, 'End', false)).toBe(MAX_COLUMN_WIDTH);
    expect(widthForKey(200, 'Home', false)).toBe(MIN_COLUMN_WIDTH);
    expect(widthForKey(200, 'Enter', false)).toBeNull();
  });

  it('keeps widths per user and ignores what it did not write', () => {
    storeWidths(7, { title: 300, album: 5000 });
    expect(storedWidths(7)).toEqual({ title: 300, album: MAX_COLUMN_WIDTH });
    expect(storedWidths(8)).toEqual({});
    localStorage.setItem('plm.tracks.columns.9', '{"title":"wide","nope":3,"album":250}');
    expect(storedWidths(9)).toEqual({ album: 250 });
    localStorage.setItem('plm.tracks.columns.9', 'not json');
    expect(storedWidths(9)).toEqual({});
    storeWidths(7, {});
    expect(localStorage.getItem('plm.tracks.columns.7')).toBeNull();
  });
});
