import { describe, expect, it } from 'vitest';
import { matchRoute, playlistPath } from './routes';

describe('routes', () => {
  it('matches static and parameterized routes, decoding parameters', () => {
    expect(matchRoute('playlists').route.name).toBe('playlists');
    expect(matchRoute('').route.name).toBe('home');
    const m = matchRoute(playlistPath(3, 'ab/c d'));
    expect(m.route.name).toBe('playlist');
    expect(m.params).toEqual({ accountId: '3', playlistId: 'ab/c d' });
    expect(matchRoute('jobs').route.name).toBe('jobs');
    expect(matchRoute('jobs/j%2F1').params).toEqual({ jobId: 'j/1' });
  });

  it('answers not_found for unknown paths and bad encodings', () => {
    expect(matchRoute('nope').route.name).toBe('not_found');
    expect(matchRoute('playlists/1/%E0%A4%A').route.name).toBe('not_found');
    expect(matchRoute('users').route.access).toBe('admin');
  });
});
