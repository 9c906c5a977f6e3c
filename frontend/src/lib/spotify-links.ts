// Links from plm to the same thing in Spotify (open.spotify.com opens the app when installed).
// Local files live on one computer: Spotify has no page for them, so they get no link.

const OPENABLE = new Set(['track', 'episode', 'album', 'artist', 'playlist', 'show']);
const ID = /^[A-Za-z0-9]+$/;

/** https://open.spotify.com/KIND/ID for a `spotify:KIND:ID` URI; null for local files and others. */
export function spotifyUrl(uri: string): string | null {
  const parts = uri.split(':');
  if (parts.length !== 3 || parts[0] !== 'spotify') return null;
  const [, kind, id] = parts as [string, string, string];
  if (!OPENABLE.has(kind) || !ID.test(id)) return null;
  return `https://open.spotify.com/${kind}/${id}`;
}

/** The page of a playlist by its Spotify id. */
export function playlistUrl(playlistId: string): string | null {
  return spotifyUrl(`spotify:playlist:${playlistId}`);
}
