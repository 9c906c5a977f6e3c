// The playlists page as the app mounts it (its query from the router), and what its rows show.
import { screen, within } from '@testing-library/preact';
import { location } from '../lib/router';
import { PlaylistsPage } from '../pages/PlaylistsPage';

export function Page() {
  return <PlaylistsPage search={location.value.search} />;
}

/** The names of the rows shown, in order. */
export function rowNames(): string[] {
  return screen
    .getAllByTestId('playlist-row')
    .map((r) => within(r).getByRole('link').textContent ?? '');
}
