// Adding tracks: search Spotify's catalog (debounced, 10 at a time with "More results"), then add a
// result at the top, the bottom or a typed position, or drag it into the track table.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError } from '../api/client';
import type { Track } from '../lib/edit';
import { formatCount, formatDuration } from '../lib/format';
import { TRACK_DRAG_TYPE } from './TrackTable';
import { Cover, FormError, Spinner } from './ui';

/** Where an added track goes: 0-based gap in the list (0 = top, length = bottom). */
export type AddAt = 'top' | 'bottom' | number;

interface Props {
  accountId: number;
  /** Tracks in the playlist now (the highest position one can type). */
  length: number;
  busy: boolean;
  onAdd: (track: Track, at: AddAt) => void;
  /** Debounce of the search box, in ms (tests pass 0). */
  delayMs?: number;
  /** Tracks are picked for something else (a batch): no place to choose, "Pick" buttons. */
  pickOnly?: boolean;
}

export function SearchPanel({
  accountId,
  length,
  busy,
  onAdd,
  delayMs = 300,
  pickOnly = false,
}: Props) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Track[]>([]);
  const [total, setTotal] = useState(0);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [where, setWhere] = useState<'top' | 'bottom' | 'position'>('bottom');
  const [position, setPosition] = useState('1');
  const reading = useRef<AbortController | null>(null);

  const read = async (q: string, offset: number) => {
    reading.current?.abort();
    const controller = new AbortController();
    reading.current = controller;
    setLoading(true);
    setError(null);
    try {
      const page = await api.searchTracks(accountId, q, offset, { signal: controller.signal });
      setResults((before) => (offset === 0 ? page.tracks : [...before, ...page.tracks]));
      setTotal(page.total);
      setHasMore(page.has_more);
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'AbortError')) setError(e);
    } finally {
      if (reading.current === controller) setLoading(false);
    }
  };

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      reading.current?.abort();
      setResults([]);
      setTotal(0);
      setHasMore(false);
      return;
    }
    const timer = setTimeout(() => void read(q, 0), delayMs);
    return () => clearTimeout(timer);
  }, [query, accountId]);

  const typed = Number(position);
  const positionValid = Number.isInteger(typed) && typed >= 1 && typed <= length + 1;
  const at: AddAt | null =
    where === 'position' ? (positionValid ? typed - 1 : null) : where === 'top' ? 'top' : 'bottom';

  return (
    <section class="card search-panel" aria-labelledby="search-title">
      <h2 id="search-title" class="h-small">
        {pickOnly ? 'Search tracks' : 'Add tracks'}
      </h2>
      <div class="edit-bar">
        <div class="field field-search">
          <label for="track-search" class="visually-hidden">
            Search Spotify for tracks
          </label>
          <input
            id="track-search"
            class="input"
            type="search"
            placeholder="Search Spotify: title, artist, album…"
            value={query}
            maxLength={200}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </div>
        {pickOnly ? null : (
          <div class="field field-compact">
            <label for="add-where" class="label-small">
              Add at
            </label>
            <select
              id="add-where"
              class="input input-small"
              value={where}
              onChange={(e) => setWhere(e.currentTarget.value as typeof where)}
            >
              <option value="bottom">the bottom</option>
              <option value="top">the top</option>
              <option value="position">a position…</option>
            </select>
          </div>
        )}
        {!pickOnly && where === 'position' ? (
          <div class="field field-compact">
            <label for="add-position" class="label-small">
              Position (1 to {formatCount(length + 1)})
            </label>
            <input
              id="add-position"
              class="input input-small"
              type="number"
              min={1}
              max={length + 1}
              value={position}
              aria-invalid={!positionValid}
              onInput={(e) => setPosition(e.currentTarget.value)}
            />
          </div>
        ) : null}
      </div>
      <p class="muted small" aria-live="polite">
        {query.trim() && !loading
          ? `${formatCount(total)} ${total === 1 ? 'result' : 'results'}.${pickOnly ? '' : ' Drag one into the list, or add it.'}`
          : ''}
      </p>
      {error ? <FormError error={describeError(error)} /> : null}
      <ul class="search-results" aria-label="Search results">
        {results.map((track, i) => (
          <li
            key={`${i}:${track.uri}`}
            class="search-result"
            draggable={!busy && !pickOnly}
            onDragStart={(e) => {
              e.dataTransfer?.setData(TRACK_DRAG_TYPE, JSON.stringify(track));
              if (e.dataTransfer) e.dataTransfer.effectAllowed = 'copy';
            }}
          >
            <Cover url={track.album_image_url || null} size={40} />
            <div class="search-result-text">
              <span class="tt-title">{track.name}</span>
              <span class="muted small">
                {track.artists.join(', ')} · {track.album} · {formatDuration(track.duration_ms)}
              </span>
            </div>
            <button
              type="button"
              class="btn btn-small"
              disabled={busy || at === null}
              aria-label={`${pickOnly ? 'Pick' : 'Add'} ${track.name} by ${track.artists.join(', ')}`}
              onClick={() => at !== null && onAdd(track, at)}
            >
              {pickOnly ? 'Pick' : 'Add'}
            </button>
          </li>
        ))}
      </ul>
      {loading ? <Spinner label="Searching…" /> : null}
      {hasMore && !loading ? (
        <button
          type="button"
          class="btn btn-small"
          onClick={() => void read(query.trim(), results.length)}
        >
          More results
        </button>
      ) : null}
    </section>
  );
}
