// Where is this track: the playlists that hold it (GET api/where) and the user's other writable
// playlists, each with a toggle; the toggles that changed become one batch per account (add to
// those switched on, remove from those switched off, in one job through BatchRequest.more).
import type { BatchOperation, BatchRequest, Playlist, TrackWhere } from '../api/client';
import type { Track } from './edit';

export type Holder = TrackWhere['playlists'][number];

/** "3/abc": one playlist of one account, as a key of the toggles. */
export function playlistKey(accountId: number, playlistId: string): string {
  return `${accountId}/${playlistId}`;
}

/** One row of the page: a playlist, whether it holds the track now, and whether it may change. */
export interface WhereRow {
  accountId: number;
  playlistId: string;
  name: string;
  holder: Holder | null;
  readOnlyReason: string | null;
}

/**
 * The holders first (in the server's order), then the other playlists of the user's accounts that
 * may change, by name. Read-only playlists that do not hold it are left out: nothing to toggle.
 */
export function whereRows(where: TrackWhere, playlists: readonly Playlist[]): WhereRow[] {
  const holding = new Set(where.playlists.map((h) => playlistKey(h.account_id, h.playlist_id)));
  const rows: WhereRow[] = where.playlists.map((h) => ({
    accountId: h.account_id,
    playlistId: h.playlist_id,
    name: h.name,
    holder: h,
    readOnlyReason: h.read_only_reason,
  }));
  const others = playlists
    .filter((p) => p.read_only_reason === null && !holding.has(playlistKey(p.account_id, p.id)))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  for (const p of others)
    rows.push({
      accountId: p.account_id,
      playlistId: p.id,
      name: p.name,
      holder: null,
      readOnlyReason: null,
    });
  return rows;
}

/**
 * The batches the toggles ask for, one per account: the playlists switched on get the track (at
 * the bottom), those switched off lose every copy. Accounts with nothing to do are left out.
 */
export function toggleBatches(
  uri: string,
  track: Track | null,
  rows: readonly WhereRow[],
  on: ReadonlySet<string>,
): Map<number, BatchRequest> {
  const adds = new Map<number, string[]>();
  const removes = new Map<number, string[]>();
  for (const row of rows) {
    if (row.readOnlyReason !== null) continue;
    const wanted = on.has(playlistKey(row.accountId, row.playlistId));
    const target = wanted && !row.holder ? adds : !wanted && row.holder ? removes : null;
    if (!target) continue;
    target.set(row.accountId, [...(target.get(row.accountId) ?? []), row.playlistId]);
  }
  const add: BatchOperation = { kind: 'add', uris: [uri], at: 'bottom' };
  if (track) add.tracks = [track];
  const remove: BatchOperation = { kind: 'remove', uris: [uri] };
  const out = new Map<number, BatchRequest>();
  for (const accountId of new Set([...adds.keys(), ...removes.keys()])) {
    const adding = adds.get(accountId);
    const removing = removes.get(accountId);
    if (adding) {
      const request: BatchRequest = { playlist_ids: adding, operation: add };
      if (removing) request.more = [{ playlist_ids: removing, operation: remove }];
      out.set(accountId, request);
    } else if (removing) {
      out.set(accountId, { playlist_ids: removing, operation: remove });
    }
  }
  return out;
}
