// The track table's columns: their labels, their default grid tracks, and the widths a user gave
// them by dragging or with the keyboard (kept per app user in localStorage, so two people sharing
// a browser keep their own). A column never resized keeps its flexible default track.
import type { TrackColumn } from './track-filter';

export interface ColumnDef {
  id: TrackColumn;
  /** The header's text. */
  label: string;
  /** Its name in "Sort by …" and "Resize the … column". */
  name: string;
  /** The grid track until the user resizes it (the CSS default, styles.css `.tt-row`). */
  track: string;
  /** The track's least width in pixels (what the table's minimum width adds up). */
  min: number;
}

export const TRACK_COLUMNS: readonly ColumnDef[] = [
  { id: 'position', label: '#', name: 'position', track: '5rem', min: 80 },
  { id: 'title', label: 'Title', name: 'title', track: 'minmax(12rem, 2.2fr)', min: 192 },
  { id: 'artists', label: 'Artists', name: 'artists', track: 'minmax(9rem, 1.5fr)', min: 144 },
  { id: 'album', label: 'Album', name: 'album', track: 'minmax(9rem, 1.5fr)', min: 144 },
  { id: 'duration', label: 'Duration', name: 'duration', track: '6.5rem', min: 104 },
  { id: 'added_at', label: 'Added', name: 'date added', track: '7.5rem', min: 120 },
  { id: 'added_by', label: 'Added by', name: 'added by', track: 'minmax(6rem, 0.9fr)', min: 96 },
];

export type ColumnWidths = Partial<Record<TrackColumn, number>>;

/** The narrowest and widest a column can be made, in pixels. */
export const MIN_COLUMN_WIDTH = 48;
export const MAX_COLUMN_WIDTH = 960;
/** One arrow key press; with Shift, four. */
export const RESIZE_STEP = 16;

export function clampWidth(px: number): number {
  return Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, px)));
}

/** `grid-template-columns` for these widths. */
export function gridTemplate(widths: ColumnWidths): string {
  return TRACK_COLUMNS.map((c) => (widths[c.id] ? `${widths[c.id]}px` : c.track)).join(' ');
}

/** The least width of the table's rows, so wide columns scroll sideways instead of overlapping. */
export function tableMinWidth(widths: ColumnWidths): number {
  return TRACK_COLUMNS.reduce((sum, c) => sum + (widths[c.id] ?? c.min), 0);
}

/** The width after a key press on a column's resizer; null for keys that do not resize. */
export function widthForKey(width: number, key: string, shift: boolean): number | null {
  const step = shift ? RESIZE_STEP * 4 : RESIZE_STEP;
  if (key === 'ArrowRight' || key === 'ArrowUp') return clampWidth(width + step);
  if (key === 'ArrowLeft' || key === 'ArrowDown') return clampWidth(width - step);
  if (key === 'Home') return MIN_COLUMN_WIDTH;
  if (key === 'End') return MAX_COLUMN_WIDTH;
  return null;
}

const storageKey = (userId: number | string) => `plm.tracks.columns.${userId}`;

/** The widths this user set on this browser (anything unreadable is left out). */
export function storedWidths(userId: number | string): ColumnWidths {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(storageKey(userId)) ?? '{}');
    const widths: ColumnWidths = {};
    if (raw && typeof raw === 'object') {
      for (const c of TRACK_COLUMNS) {
        const w = (raw as Record<string, unknown>)[c.id];
        if (typeof w === 'number' && Number.isFinite(w)) widths[c.id] = clampWidth(w);
      }
    }
    return widths;
  } catch {
    return {}; // storage disabled or a value not written by us: the defaults
  }
}

export function storeWidths(userId: number | string, widths: ColumnWidths): void {
  try {
    if (Object.keys(widths).length === 0) localStorage.removeItem(storageKey(userId));
    else localStorage.setItem(storageKey(userId), JSON.stringify(widths));
  } catch {
    // storage disabled or full: the widths last for this page only
  }
}
