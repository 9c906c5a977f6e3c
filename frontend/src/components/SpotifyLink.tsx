// "Open in Spotify" for a track, an episode or a playlist: a new tab (rel=noopener: Spotify's page
// gets no handle on plm's window), named "Open <title> in Spotify" for screen readers while the
// eye sees "Spotify ↗" (the visible word is part of the name, as speech input needs). Nothing for
// what Spotify has no page for (local files).
import { spotifyUrl } from '../lib/spotify-links';

export function SpotifyLink({
  uri,
  title,
  class: className = 'spotify-link',
  tabIndex,
}: {
  /** `spotify:track:…`, `spotify:playlist:…`, … */
  uri: string;
  /** What is opened, as the user knows it (a track's or playlist's name). */
  title: string;
  class?: string;
  tabIndex?: number;
}) {
  const href = spotifyUrl(uri);
  if (!href) return null;
  return (
    <a
      class={className}
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      tabIndex={tabIndex}
      aria-label={`Open ${title || 'Untitled'} in Spotify`}
    >
      Spotify<span aria-hidden="true"> ↗</span>
    </a>
  );
}
