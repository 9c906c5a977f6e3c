// Links from plm to the same thing in Spotify (open.spotify.com opens the app when installed).
// Local files live on one computer: Spotify has no page for them, so they get no link.

const OPENABLE = /^spotify:(track|episode|album|artist|playlist|show):([A-Za-z0-9]+)$/;

/** https://open.spotify.com/KIND/ID for a `spotify:KIND:ID` URI; null for local files and others. */
export function spotifyUrl(uri: string): string | null {
  const m = OPENABLE.exec(uri);
  return m ? `https://open.spotify.com/${m[1]}/${m[2]}` : null;
}

/** The page of a playlist by its Spotify id. */
export function playlistUrl(playlistId: string): string | null {
  return spotifyUrl(`spotify:playlist:${playlistId}`);
}
