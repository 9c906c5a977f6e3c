import { describe, expect, it } from 'vitest';
import { account, playlist } from '../test/fixtures';
import { MAX_EXPORT_SELECTOR, exportChoice, exportSelector } from './exchange';
import { exportUrl } from '../api/client';

const gym = playlist({ id: 'a'.repeat(22), name: 'Gym One', tags: ['gym'] });
const gym2 = playlist({ id: 'b'.repeat(22), name: 'Gym Two', tags: ['Gym'] });
const chill = playlist({ id: 'c'.repeat(22), name: 'Chill', owned: false });
const other = playlist({ id: 'd'.repeat(22), name: 'Other account', account_id: 2 });
const all = [gym, gym2, chill, other];
const noFilter = { tag: null, q: '', account: null };

describe('exportSelector', () => {
  it('asks for all when every playlist of the account is chosen', () => {
    expect(exportSelector([gym, gym2, chill], all, 1, noFilter)).toEqual({ selector: null });
  });

  it("uses the page's tag or search filter when it names exactly the chosen set", () => {
    expect(exportSelector([gym, gym2], all, 1, { tag: 'gym', q: '' })).toEqual({
      selector: 'tag:gym',
    });
    expect(exportSelector([gym, gym2], all, 1, { tag: null, q: 'gym' })).toEqual({
      selector: 'search:gym',
    });
    // "owned" names the same two playlists even without a filter.
    expect(exportSelector([gym, gym2], all, 1, noFilter)).toEqual({ selector: 'owned' });
  });

  it('names the ids when no short selector fits, and gives up past the link limit', () => {
    expect(exportSelector([gym, chill], all, 1, { tag: 'gym', q: '' })).toEqual({
      selector: `${gym.id},${chill.id}`,
    });
    const many = Array.from({ length: 1100 }, (_, i) =>
      playlist({ id: String(i).padStart(22, 'x') }),
    );
    const chosen = many.slice(0, 1050);
    expect(chosen.map((p) => p.id).join(',').length).toBeGreaterThan(MAX_EXPORT_SELECTOR);
    expect(exportSelector(chosen, many, 1, noFilter)).toBeNull();
  });
});

describe('exportChoice', () => {
  const accounts = [account({ id: 1 }), account({ id: 2, display_name: 'Label Two' })];

  it('exports the selection of one account, and refuses a selection over two', () => {
    expect(exportChoice([gym], all, accounts, noFilter)).toEqual({
      targets: [{ accountId: 1, selector: gym.id, label: 'the selected playlist' }],
    });
    expect(exportChoice([gym, other], all, accounts, noFilter)).toEqual({
      problem: 'Select playlists of one account: an export is per account.',
    });
  });

  it('with nothing selected offers all the playlists of each account (or of the filtered one)', () => {
    expect(exportChoice([], all, accounts, noFilter)).toEqual({
      targets: [
        { accountId: 1, selector: null, label: 'Demo Pro: all 3 playlists' },
        { accountId: 2, selector: null, label: 'Label Two: all 1 playlist' },
      ],
    });
    expect(exportChoice([], all, accounts, { ...noFilter, account: 2 })).toEqual({
      targets: [{ accountId: 2, selector: null, label: 'all 1 playlist' }],
    });
  });
});

describe('exportUrl', () => {
  it('keeps the commas of a selector and escapes its terms', () => {
    expect(exportUrl(3, null, 'csv')).toBe(
      'http://localhost:3000/api/accounts/3/export?format=csv',
    );
    expect(exportUrl(3, 'tag:a b,xyz', 'xlsx')).toBe(
      'http://localhost:3000/api/accounts/3/export?format=xlsx&playlists=tag%3Aa%20b,xyz',
    );
  });
});
