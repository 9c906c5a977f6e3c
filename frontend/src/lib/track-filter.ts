import type { PlaylistItem } from '../api/client';
import { fold } from './playlist-query';

/** Items whose title, artists, album or adder contain every word of `text` (accent-insensitive). */
export function filterTracks(
  items: readonly PlaylistItem[],
  text: string,
): readonly PlaylistItem[] {
  const words = fold(text).split(/\s+/).filter(Boolean);
  if (words.length === 0) return items;
  return items.filter((item) => {
    const hay = fold(`${item.name}\n${item.artists.join(', ')}\n${item.album}\n${item.added_by}`);
    return words.every((w) => hay.includes(w));
  });
}

export function totalDurationMs(items: readonly PlaylistItem[]): number {
  let sum = 0;
  for (const i of items) sum += i.duration_ms;
  return sum;
}
