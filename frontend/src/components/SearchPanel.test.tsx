import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import type { Track } from '../lib/edit';
import { json, mockApi } from '../test/server';
import { SearchPanel, type AddAt } from './SearchPanel';

function track(i: number): Track {
  return {
    uri: `spotify:track:s${i}`,
    name: `Song ${i}`,
    artists: ['Band'],
    album: 'Record',
    album_image_url: '',
    duration_ms: 200_000,
    release_date: '2020',
  };
}

describe('SearchPanel', () => {
  it('searches after the typing stops, pages, and adds where chosen', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { calls } = mockApi({
      'GET api/accounts/1/search': (call) => {
        const offset = Number(call.url.searchParams.get('offset'));
        return json({
          tracks: [track(offset), track(offset + 1)],
          offset,
          total: 4,
          has_more: offset === 0,
        });
      },
    });
    const added: [string, AddAt][] = [];
    render(
      <SearchPanel
        accountId={1}
        length={10}
        busy={false}
        onAdd={(t, at) => added.push([t.uri, at])}
      />,
    );
    const box = screen.getByLabelText('Search Spotify for tracks');
    fireEvent.input(box, { target: { value: 'so' } });
    fireEvent.input(box, { target: { value: 'song' } });
    vi.advanceTimersByTime(299);
    expect(calls).toHaveLength(0);
    vi.advanceTimersByTime(1);
    vi.useRealTimers();
    const list = screen.getByRole('list', { name: 'Search results' });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url.searchParams.get('q')).toBe('song');
    expect(within(list).getAllByText('Band · Record · 3:20')).toHaveLength(2);

    fireEvent.click(screen.getByRole('button', { name: 'More results' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(4));
    expect(calls[1]!.url.searchParams.get('offset')).toBe('2');
    expect(screen.queryByRole('button', { name: 'More results' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Add Song 0 by Band' }));
    fireEvent.change(screen.getByLabelText('Add at'), { target: { value: 'top' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add Song 1 by Band' }));
    fireEvent.change(screen.getByLabelText('Add at'), { target: { value: 'position' } });
    fireEvent.input(screen.getByLabelText('Position (1 to 11)'), { target: { value: '12' } });
    expect(
      (screen.getByRole('button', { name: 'Add Song 2 by Band' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    fireEvent.input(screen.getByLabelText('Position (1 to 11)'), { target: { value: '4' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add Song 2 by Band' }));
    expect(added).toEqual([
      ['spotify:track:s0', 'bottom'],
      ['spotify:track:s1', 'top'],
      ['spotify:track:s2', 3],
    ]);
  });
});
