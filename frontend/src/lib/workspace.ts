// The playlists page as a workspace for batch edits: what the selection holds (hidden by the
// filter, read-only, over how many accounts), saved selections applied in the browser, and the
// list's density. Pure functions; the page memoises them per selection or list, never per row.
import type { Playlist } from '../api/client';
import { playlistIdOf } from './batch';
import { fold, matchesSearch, playlistKey } from './playlist-query';

export interface SelectionSummary {
  /** The selected playlists, in list order. */
  chosen: Playlist[];
  /** Selected playlists the filters hide (they stay selected). */
  hidden: number;
  /** Selected playlists the account may change: what a batch acts on. */
  writable: Playlist[];
  /** Selected playlists a batch leaves out, each with Playlist.read_only_reason. */
  readOnly: Playlist[];
  /** The one account of the selection, or null when it spans several (or is empty). */
  accountId: number | null;
}

export function summarizeSelection(
  playlists: readonly Playlist[],
  selected: ReadonlySet<string>,
  visibleKeys: ReadonlySet<string>,
): SelectionSummary {
  const chosen: Playlist[] = [];
  const writable: Playlist[] = [];
  const readOnly: Playlist[] = [];
  const accounts = new Set<number>();
  let hidden = 0;
  if (selected.size > 0) {
    for (const p of playlists) {
      const key = playlistKey(p);
      if (!selected.has(key)) continue;
      chosen.push(p);
      accounts.add(p.account_id);
      if (!visibleKeys.has(key)) hidden++;
      (p.read_only_reason === null ? writable : readOnly).push(p);
    }
  }
  const accountId = accounts.size === 1 ? [...accounts][0]! : null;
  return { chosen, hidden, writable, readOnly, accountId };
}

/** "2 read-only playlists will be left out: <reason>; <other reason>" (distinct reasons). */
export function readOnlyNote(readOnly: readonly Playlist[]): string | null {
  if (readOnly.length === 0) return null;
  const reasons = [...new Set(readOnly.map((p) => p.read_only_reason ?? ''))].filter(Boolean);
  const count =
    readOnly.length === 1
      ? '1 read-only playlist will be left out'
      : `${readOnly.length} read-only playlists will be left out`;
  return reasons.length > 0 ? `${count}: ${reasons.join('; ')}` : count;
}

/** The SELECTOR of a hand selection: its Spotify ids, comma-separated. */
export function selectorOf(playlists: readonly Playlist[]): string {
  return playlists.map((p) => p.id).join(',');
}

export interface ResolvedSelection {
  /** playlistKey()s of the stored playlists the selector names. */
  keys: Set<string>;
  /** Id terms that name no stored playlist (deleted or unfollowed since it was saved). */
  missing: string[];
}

/**
 * Applies a saved SELECTOR (core/batch/batch_plan.hpp: a comma list of ids, URIs or links,
 * `tag:NAME`, `search:TEXT`, `owned`, `all`; their union) to the loaded playlists of
 * `accountId` (all accounts when null). Terms it cannot read are ignored like missing ids.
 */
export function resolveSelector(
  selector: string,
  playlists: readonly Playlist[],
  accountId: number | null,
): ResolvedSelection {
  const inScope = playlists.filter((p) => accountId === null || p.account_id === accountId);
  const keys = new Set<string>();
  const missing: string[] = [];
  const add = (match: (p: Playlist) => boolean) => {
    for (const p of inScope) if (match(p)) keys.add(playlistKey(p));
  };
  for (const raw of selector.split(',')) {
    const term = raw.trim();
    if (term === '') continue;
    if (term === 'all') add(() => true);
    else if (term === 'owned') add((p) => p.owned);
    else if (term.startsWith('tag:')) {
      const tag = fold(term.slice(4).trim());
      add((p) => p.tags.some((t) => fold(t) === tag));
    } else if (term.startsWith('search:')) add((p) => matchesSearch(p, term.slice(7)));
    else {
      const id = playlistIdOf(term);
      const found = inScope.filter((p) => p.id === id);
      if (found.length === 0) missing.push(term);
      for (const p of found) keys.add(playlistKey(p));
    }
  }
  return { keys, missing };
}

// ---- density

export type Density = 'comfortable' | 'compact';

const densityKey = 'plm.playlists.density';

/** Beyond this many playlists the list starts compact until the user picks a density. */
export const compactFrom = 50;

/** The density the user picked on this browser, or null when they never did. */
export function storedDensity(): Density | null {
  try {
    const v = localStorage.getItem(densityKey);
    return v === 'compact' || v === 'comfortable' ? v : null;
  } catch {
    return null; // storage disabled: fall back to the default every time
  }
}

export function storeDensity(density: Density): void {
  try {
    localStorage.setItem(densityKey, density);
  } catch {
    // storage disabled or full: the choice lasts for this page only
  }
}

/** The user's choice, else compact for long lists (where seeing many rows matters most). */
export function effectiveDensity(stored: Density | null, playlistCount: number): Density {
  return stored ?? (playlistCount > compactFrom ? 'compact' : 'comfortable');
}
