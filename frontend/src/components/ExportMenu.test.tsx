import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { navigate } from '../lib/router';
import { setSession } from '../lib/session';
import { account, playlist, sessionInfo } from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { Page } from '../test/playlists-page';

const playlists = [
  playlist({ id: 'a'.repeat(22), name: 'Gym One', tags: ['gym'] }),
  playlist({ id: 'b'.repeat(22), name: 'Gym Two', tags: ['gym'], owned: false }),
  playlist({ id: 'c'.repeat(22), name: 'Chill' }),
];

beforeEach(() => {
  setSession(sessionInfo('viewer'));
  mockApi({
    'GET api/playlists': json({ playlists, total: 3 }),
    'GET api/accounts': json({ accounts: [account()] }),
  });
});

const links = () =>
  within(screen.getByTestId('export-menu'))
    .getAllByRole('link')
    .map((a) => [a.textContent, a.getAttribute('href'), a.hasAttribute('download')]);

describe('Export menu', () => {
  it('downloads all playlists with nothing selected, and closes on Escape', async () => {
    navigate('playlists', { replace: true });
    render(<Page />);
    const button = await screen.findByRole('button', { name: 'Export' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(links()).toEqual([
      [
        'Excel workbook (.xlsx) · all 3 playlists',
        'http://localhost:3000/api/accounts/1/export?format=xlsx',
        true,
      ],
      [
        'CSV (a .zip for several playlists) · all 3 playlists',
        'http://localhost:3000/api/accounts/1/export?format=csv',
        true,
      ],
    ]);
    fireEvent.keyDown(within(screen.getByTestId('export-menu')).getAllByRole('link')[0]!, {
      key: 'Escape',
    });
    expect(screen.queryByTestId('export-menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    // A click elsewhere closes it too.
    fireEvent.click(button);
    fireEvent.mouseDown(document.body);
    expect(screen.queryByTestId('export-menu')).toBeNull();
  });

  it("exports the selection, by the tag filter's selector when it names the same playlists", async () => {
    navigate('playlists?tag=gym', { replace: true });
    render(<Page />);
    await waitFor(() => expect(screen.getAllByTestId('playlist-row')).toHaveLength(2));
    fireEvent.click(screen.getByLabelText('Select Gym One'));
    fireEvent.click(screen.getByLabelText('Select Gym Two'));
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    expect(links()[0]).toEqual([
      'Excel workbook (.xlsx) · 2 selected playlists',
      'http://localhost:3000/api/accounts/1/export?format=xlsx&playlists=tag%3Agym',
      true,
    ]);
    // One of them: its id.
    fireEvent.click(screen.getByLabelText('Select Gym Two'));
    expect(links()[1]![1]).toBe(
      `http://localhost:3000/api/accounts/1/export?format=csv&playlists=${'a'.repeat(22)}`,
    );
  });
});
