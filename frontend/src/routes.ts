// The route table, as data. Paths are relative to the app's base path (see lib/base-path.ts).

export type RouteName =
  | 'home'
  | 'playlists'
  | 'playlist'
  | 'playlist_history'
  | 'accounts'
  | 'jobs'
  | 'job'
  | 'where'
  | 'users'
  | 'settings'
  | 'setup'
  | 'login'
  | 'not_found';

/** Who may open a route: anyone, a signed-in user, or an admin. */
export type Access = 'public' | 'user' | 'admin';

export interface RouteDef {
  name: RouteName;
  pattern: string;
  title: string;
  access: Access;
}

export const routes: readonly RouteDef[] = [
  { name: 'home', pattern: '', title: 'plm', access: 'user' },
  { name: 'playlists', pattern: 'playlists', title: 'Playlists', access: 'user' },
  {
    name: 'playlist',
    pattern: 'playlists/:accountId/:playlistId',
    title: 'Playlist',
    access: 'user',
  },
  {
    name: 'playlist_history',
    pattern: 'playlists/:accountId/:playlistId/history',
    title: 'History',
    access: 'user',
  },
  { name: 'accounts', pattern: 'accounts', title: 'Spotify accounts', access: 'user' },
  { name: 'jobs', pattern: 'jobs', title: 'Jobs', access: 'user' },
  { name: 'job', pattern: 'jobs/:jobId', title: 'Job', access: 'user' },
  { name: 'where', pattern: 'where', title: 'Where is this track', access: 'user' },
  { name: 'users', pattern: 'users', title: 'Users', access: 'admin' },
  { name: 'settings', pattern: 'settings', title: 'Settings', access: 'user' },
  { name: 'setup', pattern: 'setup', title: 'Set up plm', access: 'public' },
  { name: 'login', pattern: 'login', title: 'Sign in', access: 'public' },
];

const notFound: RouteDef = { name: 'not_found', pattern: '*', title: 'Not found', access: 'user' };

export interface Match {
  route: RouteDef;
  params: Record<string, string>;
}

/** Finds the route of a base-relative path ("playlists/3/abc"). */
export function matchRoute(path: string): Match {
  const parts = path.split('/').filter((p) => p !== '');
  for (const route of routes) {
    const pattern = route.pattern.split('/').filter((p) => p !== '');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const want = pattern[i]!;
      const got = parts[i]!;
      if (want.startsWith(':')) {
        try {
          params[want.slice(1)] = decodeURIComponent(got);
        } catch {
          ok = false;
        }
      } else if (want !== got) {
        ok = false;
      }
    }
    if (ok) return { route, params };
  }
  return { route: notFound, params: {} };
}

/** The base-relative path of the playlist page. */
export function playlistPath(accountId: number, playlistId: string): string {
  return `playlists/${accountId}/${encodeURIComponent(playlistId)}`;
}

/** The base-relative path of a playlist's history. */
export function historyPath(accountId: number, playlistId: string): string {
  return `${playlistPath(accountId, playlistId)}/history`;
}

/** The base-relative path of a job's page. */
export function jobPath(jobId: string): string {
  return `jobs/${encodeURIComponent(jobId)}`;
}

/** The base-relative path of where-is-this-track for a track URI. */
export function wherePath(uri: string): string {
  return `where?uri=${encodeURIComponent(uri)}`;
}
