import { describe, expect, it } from 'vitest';
import { playlistUrl, spotifyUrl } from './spotify-links';

describe('links to Spotify', () => {
  it('opens tracks, episodes and playlists on open.spotify.com', () => {
    expect(spotifyUrl('spotify:track:4uLU6hMCjMI75M1A2tKUQC')).toBe(
      'https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC',
    );
    expect(spotifyUrl('spotify:episode:512ojhOuo1ktJprKbVcKyQ')).toBe(
      'https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ',
    );
    expect(playlistUrl('37i9dQZF1DXcBWIGoYBM5M')).toBe(
      'https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M',
    );
  });

  it('has no link for local files or anything it cannot read', () => {
    expect(spotifyUrl('spotify:local:Miles+Davis::Blue+in+Green:337')).toBeNull();
    expect(spotifyUrl('spotify:track:')).toBeNull();
    expect(spotifyUrl('spotify:track:ab/../cd')).toBeNull();
    expect(spotifyUrl('spotify:user:me:playlist:x')).toBeNull();
    expect(spotifyUrl('https://open.spotify.com/track/x')).toBeNull();
    expect(playlistUrl('')).toBeNull();
  });
});
