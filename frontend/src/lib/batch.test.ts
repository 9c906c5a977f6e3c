import { describe, expect, it } from 'vitest';
import { playlist } from '../test/fixtures';
import {
  durationText,
  emptyForm,
  entryChange,
  expandTemplate,
  formOperation,
  parseUris,
  resultCounts,
  toUri,
} from './batch';
import { batchEntry } from '../test/fixtures';

const track = {
  uri: 'spotify:track:picked',
  name: 'Picked',
  artists: ['A'],
  album: 'B',
  album_image_url: '',
  duration_ms: 1000,
  release_date: '',
};

describe('pasted tracks', () => {
  it('takes URIs and open.spotify.com links (with a locale and a query) and names the rest', () => {
    expect(toUri('https://open.spotify.com/intl-de/track/abc123?si=x')).toBe(
      'spotify:track:abc123',
    );
    expect(toUri(' spotify:track:xyz ')).toBe('spotify:track:xyz');
    expect(toUri('https://open.spotify.com/playlist/abc')).toBeNull();
    expect(parseUris('spotify:track:a, https://open.spotify.com/track/b\nnonsense\n\n')).toEqual({
      uris: ['spotify:track:a', 'spotify:track:b'],
      invalid: ['nonsense'],
    });
  });
});

describe('formOperation', () => {
  it('adds the pasted and picked tracks once each, at a 1-based position sent 0-based', () => {
    const form = {
      ...emptyForm('add'),
      pasted: 'spotify:track:a spotify:track:picked',
      picked: [track],
      at: 'position' as const,
      position: '3',
      addExisting: true,
    };
    expect(formOperation(form)).toEqual({
      operation: {
        kind: 'add',
        uris: ['spotify:track:a', 'spotify:track:picked'],
        tracks: [track],
        at: 'position',
        position: 2,
        add_existing: true,
      },
    });
  });

  it('says what is missing instead of an operation', () => {
    expect(formOperation(emptyForm('add'))).toEqual({
      problem: 'Paste track URIs or links, or pick tracks.',
    });
    expect(formOperation({ ...emptyForm('remove'), pasted: 'spotify:track:a oops' })).toEqual({
      problem: 'Not a track URI or link: oops',
    });
    expect(formOperation({ ...emptyForm('rename') })).toEqual({
      problem: 'Change the name or the description template.',
    });
    expect(
      formOperation({
        ...emptyForm('replace'),
        oldUri: 'spotify:track:a',
        newUri: 'spotify:track:a',
      }),
    ).toEqual({ problem: 'The replacement is the same track.' });
  });

  it('copies another playlist given as a link, and builds the other kinds', () => {
    expect(formOperation({ ...emptyForm('add'), fromPlaylistId: 'src1', at: 'top' })).toEqual({
      operation: { kind: 'add', from_playlist_id: 'src1', at: 'top' },
    });
    expect(formOperation({ ...emptyForm('sort'), sortBy: 'artist', descending: true })).toEqual({
      operation: { kind: 'sort', sort_by: 'artist', descending: true },
    });
    expect(formOperation({ ...emptyForm('rename'), nameTemplate: '{name} ({year})' })).toEqual({
      operation: { kind: 'rename', name_template: '{name} ({year})' },
    });
    expect(formOperation({ ...emptyForm('visibility'), makePublic: true })).toEqual({
      operation: { kind: 'visibility', public: true },
    });
    expect(
      formOperation({
        ...emptyForm('replace'),
        oldUri: 'https://open.spotify.com/track/old',
        newUri: 'spotify:track:new',
      }),
    ).toEqual({
      operation: { kind: 'replace', old_uri: 'spotify:track:old', new_uri: 'spotify:track:new' },
    });
  });
});

describe('expandTemplate', () => {
  it('fills the placeholders as the server does, braces and unknown words kept', () => {
    const p = playlist({ name: 'Road Trip', description: 'summer', track_count: 42 });
    const now = new Date(2026, 2, 5);
    expect(expandTemplate('{name} – {count} ({date})', p, now)).toBe('Road Trip – 42 (2026-03-05)');
    expect(expandTemplate('{{name}} {year}/{month}/{day} {other} {description}', p, now)).toBe(
      '{name} 2026/03/05 {other} summer',
    );
  });
});

describe('words of previews and results', () => {
  it('says what changes in a playlist, or why not', () => {
    expect(entryChange(batchEntry({ added_count: 2, removed_count: 1, moved_count: 3 }))).toBe(
      '2 added, 1 removed, 3 moved',
    );
    expect(
      entryChange(
        batchEntry({
          added_count: 0,
          details: [{ field: 'public', before: 'true', after: 'false' }],
        }),
      ),
    ).toBe('now private');
    expect(entryChange(batchEntry({ status: 'refused', reason: 'not yours' }))).toBe('not yours');
    expect(durationText(0.4)).toBe('under a second');
    expect(durationText(45)).toBe('about 45 s');
    expect(durationText(600)).toBe('about 10 min');
  });

  it('counts results with the playlists a cancel left as not run', () => {
    const item = (outcome: 'done' | 'pending' | 'failed') => ({
      key: outcome + Math.random(),
      label: '',
      outcome,
      error: null,
      detail: '',
    });
    expect(resultCounts([item('done'), item('pending'), item('done'), item('failed')])).toBe(
      '2 changed, 1 failed, 1 not run',
    );
    expect(resultCounts([item('done'), item('pending')], true)).toBe('1 changed, 1 waiting');
  });
});
