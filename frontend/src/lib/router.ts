// Client-side routing on the history API, relative to the app's base path.
import { signal } from '@preact/signals';
import { baseFromDocument, hrefFor, routeFromPathname } from './base-path';

export interface Location {
  /** Base-relative path without leading slash: "playlists/3/abc". */
  path: string;
  /** The query string without "?" ("q=rock&sort=tracks"). */
  search: string;
}

let base = '/';
export const location = signal<Location>({ path: '', search: '' });

function read(): Location {
  return {
    path: routeFromPathname(window.location.pathname, base),
    search: window.location.search.replace(/^\?/, ''),
  };
}

/** Reads the base path and the current location; follows back/forward. Call once at start. */
export function startRouter(): void {
  base = baseFromDocument(document);
  location.value = read();
  window.addEventListener('popstate', () => {
    location.value = read();
  });
}

export function appBase(): string {
  return base;
}

/** The href of a base-relative route ("playlists?q=x" -> "/plm/playlists?q=x"). */
export function href(to: string): string {
  return hrefFor(to, base);
}

/** Goes to a base-relative route. `replace` keeps the history entry (used for query-state updates). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = href(to);
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  location.value = read();
}

/** Replaces only the query string of the current route. */
export function setSearch(search: string): void {
  const current = location.value;
  if (current.search === search) return;
  navigate(current.path + (search ? `?${search}` : ''), { replace: true });
}
