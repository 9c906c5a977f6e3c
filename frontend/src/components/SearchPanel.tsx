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

/** The "Add at" choice as the form holds it: the position as typed, counted from 1. */
export interface AddPlace {
  where: 'top' | 'bottom' | 'position';
  position: string;
}

export const ADD_AT_BOTTOM: AddPlace = { where: 'bottom', position: '1' };

/** Where the choice puts tracks in a list of `length`, or null while the typed position is not one. */
export function addAtOf(place: AddPlace, length: number): AddAt | null {
  if (place.where !== 'position') return place.where;
  const typed = Number(place.position);
  return Number.isInteger(typed) && typed >= 1 && typed <= length + 1 ? typed - 1 : null;
}

/** A track's cover, title, and artists · album · duration, as search results show them. */
export function TrackSummary({ track }: { track: Track }) {
  return (
    <>
      <Cover url={track.album_image_url || null} size={40} />
      <div class="search-result-text">
        <span class="tt-title">{track.name}</span>
        <span class="muted small">
          {track.artists.join(', ')} · {track.album} · {formatDuration(track.duration_ms)}
        </span>
      </div>
    </>
  );
}

/** "Add at: the bottom / the top / a position…" with the position's field when it is chosen. */
export function AddAtFields({
  idPrefix,
  length,
  place,
  onChange,
}: {
  idPrefix: string;
  length: number;
  place: AddPlace;
  onChange: (place: AddPlace) => void;
}) {
  return (
    <>
      <div class="field field-compact">
        <label for={`${idPrefix}-where`} class="label-small">
          Add at
        </label>
        <select
          id={`${idPrefix}-where`}
          class="input input-small"
          value={place.where}
          onChange={(e) =>
            onChange({ ...place, where: e.currentTarget.value as AddPlace['where'] })
          }
        >
          <option value="bottom">the bottom</option>
          <option value="top">the top</option>
          <option value="position">a position…</option>
        </select>
      </div>
      {place.where === 'position' ? (
        <div class="field field-compact">
          <label for={`${idPrefix}-position`} class="label-small">
            Position (1 to {formatCount(length + 1)})
          </label>
          <input
            id={`${idPrefix}-position`}
            class="input input-small"
            type="number"
            min={1}
            max={length + 1}
            value={place.position}
            aria-invalid={addAtOf(place, length) === null}
            onInput={(e) => onChange({ ...place, position: e.currentTarget.value })}
          />
        </div>
      ) : null}
    </>
  );
}

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
  /** Prefixes the element ids, for a second panel on the page (a paste line's search by hand). */
  idPrefix?: string;
}

export function SearchPanel({
  accountId,
  length,
  busy,
  onAdd,
  delayMs = 300,
  pickOnly = false,
  idPrefix = '',
}: Props) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Track[]>([]);
  const [total, setTotal] = useState(0);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [place, setPlace] = useState<AddPlace>(ADD_AT_BOTTOM);
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

  const at = addAtOf(place, length);

  return (
    <section class="card search-panel" aria-labelledby={`${idPrefix}search-title`}>
      <h2 id={`${idPrefix}search-title`} class="h-small">
        {pickOnly ? 'Search tracks' : 'Add tracks'}
      </h2>
      <div class="edit-bar">
        <div class="field field-search">
          <label for={`${idPrefix}track-search`} class="visually-hidden">
            Search Spotify for tracks
          </label>
          <input
            id={`${idPrefix}track-search`}
            class="input"
            type="search"
            placeholder="Search Spotify: title, artist, album…"
            value={query}
            maxLength={200}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </div>
        {pickOnly ? null : (
          <AddAtFields
            idPrefix={`${idPrefix}add`}
            length={length}
            place={place}
            onChange={setPlace}
          />
        )}
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
            <TrackSummary track={track} />
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
