// The app lives under a base path (`/` or e.g. `/plm/` behind a proxy). `plm serve` writes it into
// index.html as <base href>, so document.baseURI is the single source of truth.

/** Makes `p` start and end with exactly one slash ("plm" -> "/plm/", "" -> "/"). */
export function normalizeBase(p: string): string {
  const trimmed = p.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/** The base path of the app: the path of <base href> when there is one, else the root. */
export function baseFromDocument(doc: Document): string {
  if (!doc.querySelector('base[href]')) return '/';
  return normalizeBase(new URL(doc.baseURI).pathname);
}

/**
 * The route part of a location path: "/plm/playlists/1/abc" with base "/plm/" -> "playlists/1/abc".
 * A path outside the base (or the base without its trailing slash) gives "".
 */
export function routeFromPathname(pathname: string, base: string): string {
  if (pathname === base.slice(0, -1)) return '';
  if (!pathname.startsWith(base)) return '';
  return pathname.slice(base.length).replace(/\/+$/, '');
}

/** The absolute path of a route: ("playlists", "/plm/") -> "/plm/playlists". */
export function hrefFor(route: string, base: string): string {
  return base + route.replace(/^\/+/, '');
}

/** An API or other relative URL resolved against the document's base ("api/x" -> "https://h/plm/api/x"). */
export function resolveUrl(relative: string, baseURI: string): string {
  return new URL(relative.replace(/^\/+/, ''), baseURI).toString();
}
