// The playlists page as the app mounts it (its query from the router), and what its rows show.
import { screen } from '@testing-library/preact';
import { location } from '../lib/router';
import { PlaylistsPage } from '../pages/PlaylistsPage';

export function Page() {
  return <PlaylistsPage search={location.value.search} />;
}

/** The link to a row's playlist (its name; the row has a "Spotify ↗" link too). */
export function rowLink(row: HTMLElement): HTMLAnchorElement {
  const link = row.querySelector<HTMLAnchorElement>('a.pt-link');
  if (!link) throw new Error('a playlist row without its link');
  return link;
}

/** The names of the rows shown, in order. */
export function rowNames(): string[] {
  return screen.getAllByTestId('playlist-row').map((r) => rowLink(r).textContent ?? '');
}
