// Export in the browser (issue 14): which file an Export link asks for. The export is a plain link
// (GET …/export with the session cookie), so the browser downloads it itself. The import's
// reading of its preview is lib/import-preview.ts (in the import dialog's own chunk).
import type { Account, Playlist } from '../api/client';
import { formatCount, plural } from './format';
import { playlistKey, type PlaylistQuery } from './playlist-query';
import { resolveSelector } from './workspace';

/**
 * The longest SELECTOR sent in an export link: `plm serve` reads request heads of at most 32 KiB
 * (app/serve.cpp), and the cookie and the other headers need some of it. About 1,000 ids.
 */
export const MAX_EXPORT_SELECTOR = 24_000;

/** One account's export: its selector (null: all its playlists) and what the menu calls it. */
export interface ExportTarget {
  accountId: number;
  selector: string | null;
  /** "3 selected playlists", "all 40 playlists" (with the account's name when there are several). */
  label: string;
}

export type ExportChoice = { targets: ExportTarget[] } | { problem: string };

function accountName(accounts: readonly Account[], id: number): string {
  const a = accounts.find((x) => x.id === id);
  return a ? a.display_name || a.spotify_user_id : `account ${id}`;
}

/**
 * The shortest SELECTOR naming exactly `chosen` among the playlists of `accountId`: none (all of
 * them), the page's tag or search filter when it names the same set, else the ids. A selector
 * longer than MAX_EXPORT_SELECTOR is null: the link could not carry it.
 */
export function exportSelector(
  chosen: readonly Playlist[],
  playlists: readonly Playlist[],
  accountId: number,
  query: Pick<PlaylistQuery, 'tag' | 'q'>,
): { selector: string | null } | null {
  const inAccount = playlists.filter((p) => p.account_id === accountId);
  if (chosen.length === inAccount.length) return { selector: null };
  const want = new Set(chosen.map(playlistKey));
  const candidates = [
    query.tag !== null ? `tag:${query.tag}` : '',
    query.q.trim() !== '' ? `search:${query.q.trim()}` : '',
    'owned',
  ].filter((c) => c !== '' && !c.slice(c.indexOf(':') + 1).includes(','));
  for (const selector of candidates) {
    const { keys } = resolveSelector(selector, playlists, accountId);
    if (keys.size === want.size && [...keys].every((k) => want.has(k))) return { selector };
  }
  const ids = chosen.map((p) => p.id).join(',');
  return ids.length > MAX_EXPORT_SELECTOR ? null : { selector: ids };
}

/**
 * What the Export menu offers: the selected playlists (of one account), or with nothing selected
 * all the playlists of each account (of the account filter's only, when it is set).
 */
export function exportChoice(
  chosen: readonly Playlist[],
  playlists: readonly Playlist[],
  accounts: readonly Account[],
  query: Pick<PlaylistQuery, 'tag' | 'q' | 'account'>,
): ExportChoice {
  if (chosen.length > 0) {
    const ids = new Set(chosen.map((p) => p.account_id));
    if (ids.size > 1)
      return { problem: 'Select playlists of one account: an export is per account.' };
    const accountId = chosen[0]!.account_id;
    const found = exportSelector(chosen, playlists, accountId, query);
    if (!found)
      return {
        problem: `${plural(chosen.length, 'playlist')} are too many to name in a link: export all of them, or select a tag’s.`,
      };
    return {
      targets: [{ accountId, selector: found.selector, label: chosenLabel(chosen.length) }],
    };
  }
  const withPlaylists = accounts.filter(
    (a) =>
      (query.account === null || a.id === query.account) &&
      playlists.some((p) => p.account_id === a.id),
  );
  if (withPlaylists.length === 0) return { problem: 'No playlists are stored yet.' };
  return {
    targets: withPlaylists.map((a) => {
      const count = playlists.filter((p) => p.account_id === a.id).length;
      const all = `all ${plural(count, 'playlist')}`;
      return {
        accountId: a.id,
        selector: null,
        label: withPlaylists.length > 1 ? `${accountName(accounts, a.id)}: ${all}` : all,
      };
    }),
  };
}

function chosenLabel(count: number): string {
  return count === 1 ? 'the selected playlist' : `${formatCount(count)} selected playlists`;
}
