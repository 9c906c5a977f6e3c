// Editing playlists in a real browser against `plm serve` and the Spotify emulator, checking the
// emulator's own state (its admin dump, the truth whatever reads show) after every edit: drag one
// track, drag a multi-selection near the end of a 10,000-track playlist, move with the keyboard,
// add from search, remove with Undo, sort with its preview, restore a recorded version, change the
// details and upload a cover; then the track table's view: sorted by title, narrowed to the
// duplicates, and its links to Spotify.
//
// The emulator is re-seeded with a small world (a 12-track playlist, one generated playlist with
// duplicates, a local file and an unavailable track, and the 10,000-track library) so the
// account's sync takes a moment, not the whole demo catalogue.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactsDir,
  launchBrowser,
  openPage,
  playlistLink,
  reportFailure,
  seedEmulator,
  signInConnectAndSync,
  startStack,
  type Stack,
} from './harness';

const BIG = 'Everything — Master Library';
const SMALL = 'E2E Small';
const small = SMALL;
const ROW_HEIGHT = 44;

let stack: Stack;
let context: BrowserContext;
let page: Page;
let beforeSort: string[] = [];
const pageErrors: string[] = [];
const started = Date.now();

interface EmulatorPlaylist {
  id: string;
  name: string;
  description: string | null;
  public: boolean | null;
  has_custom_cover: boolean;
  snapshot_id: string;
  entries: { uri: string }[];
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir, `edit-${name}.png`), fullPage: false });
}

/** The playlist as the emulator holds it (not as any read shows it). */
async function truth(name: string): Promise<EmulatorPlaylist> {
  const res = await fetch(`${stack.emulatorUrl}/__emulator/users/demo-pro/playlists`);
  const all = (await res.json()) as EmulatorPlaylist[];
  const found = all.find((p) => p.name === name);
  if (!found) throw new Error(`the emulator has no playlist named ${name}`);
  return found;
}

async function uris(name: string): Promise<string[]> {
  return (await truth(name)).entries.map((e) => e.uri);
}

const table = () => page.getByTestId('track-table');
const row = (index: number): Locator => table().locator(`[role=row][data-index="${index}"]`);

/** The URIs the page shows, in order (the rows in the DOM: the top of the list). */
async function shownUris(): Promise<string[]> {
  return table()
    .locator('[role=row][data-uri]')
    .evaluateAll((rows) =>
      rows
        .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
        .map((r) => r.getAttribute('data-uri') ?? ''),
    );
}

/**
 * Waits until the live region says the edit is done (the job ended and the items were re-read),
 * or that it failed (then fails at once, with what the page said).
 */
async function said(expected: string | RegExp): Promise<void> {
  const handle = await page.waitForFunction(
    (pattern) => {
      const text = document.querySelector('[data-testid=edit-status]')?.textContent ?? '';
      const done = pattern.startsWith('/')
        ? new RegExp(pattern.slice(1, -1)).test(text)
        : text === pattern;
      return done || /failed|changed on Spotify/.test(text) ? text : null;
    },
    typeof expected === 'string' ? expected : expected.toString(),
    { timeout: 30_000 },
  );
  const text = (await handle.jsonValue()) as string;
  if (typeof expected === 'string') expect(text).toBe(expected);
  else expect(text).toMatch(expected);
}

async function openPlaylist(name: string): Promise<void> {
  // Searched for: the list renders only the rows in view.
  await page.goto(`${stack.appUrl}playlists?q=${encodeURIComponent(name)}`);
  await playlistLink(page.getByTestId('playlist-row'), name).click();
  await page.waitForURL(/\/playlists\/\d+\/[^/]+$/);
  await table().waitFor();
  await row(0).waitFor();
}

/** Moves one step in a list of URIs, as the test expects Spotify to end up. */
function moved(list: readonly string[], from: number[], gap: number): string[] {
  const chosen = new Set(from);
  const rest = list.filter((_, i) => !chosen.has(i));
  const before = list.slice(0, gap).filter((_, i) => !chosen.has(i)).length;
  return [...rest.slice(0, before), ...from.map((i) => list[i]!), ...rest.slice(before)];
}

describe.sequential('editing playlists', () => {
  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    stack = await startStack();
    await seedEmulator(stack, {
      users: [
        {
          id: 'demo-pro',
          display_name: 'Nova Sound Records',
          generate: {
            count: 1,
            max_tracks: 12,
            duplicates_every: 1,
            local_files_every: 1,
            unavailable_every: 1,
            big_playlist_tracks: 10_000,
          },
        },
      ],
      playlists: [{ owner: 'demo-pro', name: SMALL, random_tracks: 12 }],
    });
    context = await launchBrowser();
    page = await openPage(context, pageErrors);

    await signInConnectAndSync(page, stack, 120_000);
    console.log(`e2e edit: set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterEach((ctx) => reportFailure(ctx, page, stack, shot));

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    console.log(`e2e edit: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  });

  it('drags one track and Spotify has it there', async () => {
    await openPlaylist(small);
    const before = await uris(small);
    expect(await shownUris()).toEqual(before);
    // Row 0 dropped on the lower half of row 3: the gap before row 4.
    await row(0).dragTo(row(3), { targetPosition: { x: 200, y: ROW_HEIGHT - 8 } });
    await said('Moved 1 track to position 4.');
    const after = moved(before, [0], 4);
    expect(await uris(small)).toEqual(after);
    expect(await shownUris()).toEqual(after);
    await shot('dragged-one');
  });

  it('moves the selection with the keyboard (Alt+ArrowUp)', async () => {
    const before = await uris(small);
    await row(5).click();
    await row(6).click({ modifiers: ['Shift'] });
    await table().focus();
    await page.keyboard.press('Alt+ArrowUp');
    await said('Moved 2 tracks to position 5.');
    expect(await uris(small)).toEqual(moved(before, [5, 6], 4));
  });

  it('drags with auto-scroll, and a multi-selection to the end, in the 10,000-track playlist', async () => {
    await openPlaylist(BIG);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=track-count]')?.textContent === '10,000 tracks',
    );
    // Auto-scroll: the first row held near the bottom edge scrolls the table under it, then is
    // dropped on a row that was far out of view when the drag began.
    let before = await uris(BIG);
    // The whole scroll area in the window, so the pointer can reach its bottom edge.
    await table().evaluate((el) => el.scrollIntoView({ block: 'end' }));
    const box = (await table().boundingBox())!;
    const start = (await row(0).boundingBox())!;
    await page.mouse.move(start.x + 200, start.y + ROW_HEIGHT / 2);
    await page.mouse.down();
    await page.mouse.move(start.x + 220, start.y + ROW_HEIGHT, { steps: 4 });
    await page.mouse.move(box.x + 200, box.y + box.height - 6, { steps: 8 });
    await page.waitForFunction(
      () => (document.querySelector('[data-testid=track-table]')?.scrollTop ?? 0) > 40 * 44,
    );
    await page.mouse.move(box.x + 200, box.y + box.height / 2, { steps: 4 });
    const target = await page.evaluate(
      ([x, y]) =>
        Number(
          document.elementFromPoint(x!, y!)?.closest('[role=row]')?.getAttribute('data-index') ??
            -1,
        ),
      [box.x + 200, box.y + box.height / 2],
    );
    expect(target).toBeGreaterThan(40);
    const over = (await row(target).boundingBox())!;
    await page.mouse.move(over.x + 200, over.y + 8, { steps: 2 });
    await page.mouse.up();
    await said(`Moved 1 track to position ${target}.`);
    expect(await uris(BIG)).toEqual(moved(before, [0], target));

    before = await uris(BIG);
    await table().focus();
    await page.keyboard.press('End');
    await row(9_999).waitFor({ state: 'visible' });
    await row(9_990).click();
    await row(9_992).click({ modifiers: ['Shift'] });
    await row(9_995).click({ modifiers: ['ControlOrMeta'] });
    expect(await page.getByTestId('selection-count').textContent()).toBe('4 tracks selected');
    await row(9_991).dragTo(row(9_999), { targetPosition: { x: 200, y: ROW_HEIGHT - 6 } });
    await said('Moved 4 tracks to position 9,997.');
    const after = await uris(BIG);
    expect(after).toHaveLength(10_000);
    expect(after).toEqual(moved(before, [9_990, 9_991, 9_992, 9_995], 10_000));
    expect(await table().locator('[role=row]').count()).toBeLessThan(200);
    await shot('dragged-selection-big');
  });

  it('adds a track from the search', async () => {
    await openPlaylist(small);
    const before = await uris(small);
    const title = (await row(0).locator('.tt-title').textContent()) ?? '';
    const word = title.split(/\s+/).sort((a, b) => b.length - a.length)[0]!;
    await page.getByRole('button', { name: 'Add tracks…' }).click();
    await page.getByLabel('Search Spotify for tracks').fill(word);
    const results = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
    await results.first().waitFor();
    const name = (await results.first().locator('.tt-title').textContent()) ?? '';
    await results.first().getByRole('button').click();
    await said(`Added ${name}.`);
    const after = await uris(small);
    expect(after).toHaveLength(before.length + 1);
    expect(after.slice(0, -1)).toEqual(before);
    expect(await row(before.length).locator('.tt-title').textContent()).toBe(name);
    await shot('added');
  });

  it('removes a track, previewed first, and undoes it', async () => {
    const before = await uris(small);
    await row(1).click();
    await page.getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove 1 track' });
    await dialog.getByTestId('preview-facts').waitFor();
    await shot('remove-preview');
    await dialog.getByRole('button', { name: 'Remove 1 track' }).click();
    await said('Removed 1 track.');
    expect(await uris(small)).toEqual(before.filter((_, i) => i !== 1));
    await page.getByRole('button', { name: 'Undo' }).last().click();
    await said('Undone.');
    expect(await uris(small)).toEqual(before);
  });

  it('sorts by title with a preview of its cost', async () => {
    const before = await uris(small);
    await page.getByRole('button', { name: 'Sort…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sort' });
    const facts = dialog.getByTestId('preview-facts');
    await facts.waitFor();
    expect(await facts.textContent()).toContain('Spotify calls');
    await shot('sort-preview');
    await dialog.getByRole('button', { name: 'Sort', exact: true }).click();
    await said(/^Reordered: \d+ tracks? moved\.$/);
    const after = await uris(small);
    expect([...after].sort()).toEqual([...before].sort());
    expect(await shownUris()).toEqual(after);
    // In title order, ignoring case (the rows in the DOM: the whole small playlist).
    const titles = (await table().locator('[role=row] .tt-title').allTextContents()).map((t) =>
      t.toLowerCase(),
    );
    expect(titles.every((t, i) => i === 0 || titles[i - 1]! <= t)).toBe(true);
    beforeSort = before;
  });

  it('restores the version before the sort', async () => {
    const sortedUris = await uris(small);
    await page.getByRole('link', { name: 'History' }).click();
    await page.waitForURL(/\/history$/);
    const versions = page.getByTestId('version');
    await versions.first().waitFor();
    expect(await versions.first().textContent()).toContain('Edit by e2e-admin');
    await shot('history');
    // The newest is the sort; the one before it is the list after the undo.
    await versions.nth(1).getByRole('button', { name: 'Restore this version' }).click();
    const dialog = page.getByRole('dialog', { name: /^Restore version \d+$/ });
    await dialog.getByTestId('preview-facts').waitFor();
    await dialog.getByRole('button', { name: /^Restore version \d+$/ }).click();
    await said(/^Restored version \d+\.$/);
    expect(await uris(small)).toEqual(beforeSort);
    expect(beforeSort).not.toEqual(sortedUris);
  });

  it('changes the details and uploads a cover checked in the browser', async () => {
    await page.getByRole('link', { name: 'Back to the playlist' }).click();
    await page.getByRole('button', { name: 'Edit details…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit details' });
    await dialog.getByLabel('Description').fill('Made by the browser test');
    await dialog.getByLabel('Private').check();
    // A PNG is refused before anything is sent; a small JPEG (drawn by the browser) is taken.
    await dialog.getByLabel(/New cover/).setInputFiles({
      name: 'cover.png',
      mimeType: 'image/png',
      buffer: Buffer.from('89504e470d0a1a0a', 'hex'),
    });
    await dialog.getByText('The cover must be a JPEG image.').waitFor();
    const jpeg = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 64;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#17805c';
      g.fillRect(0, 0, 64, 64);
      return canvas.toDataURL('image/jpeg', 0.8).split(',')[1]!;
    });
    await dialog.getByLabel(/New cover/).setInputFiles({
      name: 'cover.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from(jpeg, 'base64'),
    });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await said('Cover uploaded.');
    const after = await truth(small);
    expect(after.description).toBe('Made by the browser test');
    expect(after.public).toBe(false);
    expect(after.has_custom_cover).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('sorts the view by title, narrows it to the duplicates, and links to Spotify', async () => {
    const res = await fetch(`${stack.emulatorUrl}/__emulator/users/demo-pro/playlists`);
    const all = (await res.json()) as EmulatorPlaylist[];
    const flagged = all.find((p) => p.name !== BIG && p.name !== SMALL)!;
    await openPlaylist(flagged.name);
    const own = page.getByRole('link', { name: `Open ${flagged.name} in Spotify` });
    expect(await own.getAttribute('href')).toBe(`https://open.spotify.com/playlist/${flagged.id}`);

    const title = table().getByRole('columnheader').filter({ hasText: 'Title' });
    await title.getByRole('button').click();
    expect(await title.getAttribute('aria-sort')).toBe('ascending');
    // a view: the table is no longer a grid to drag in
    expect(await table().getAttribute('role')).toBe('table');
    const titles = (await table().locator('[role=row] .tt-title').allTextContents()).map((t) =>
      t.toLowerCase(),
    );
    const named = titles.filter((t) => t !== 'untitled');
    expect(named.every((t, i) => i === 0 || named[i - 1]! <= t)).toBe(true);

    await page.getByRole('button', { name: /^Duplicates \d+$/ }).click();
    const shown = await shownUris();
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const uri of shown) expect(shown.filter((u) => u === uri).length).toBeGreaterThan(1);
    expect(await page.getByTestId('track-count').textContent()).toBe(
      `${shown.length} of ${flagged.entries.length} tracks`,
    );
    await row(0).hover();
    await shot('track-view');

    const link = row(0).getByRole('link', { name: / in Spotify$/ });
    expect(await link.getAttribute('href')).toBe(
      `https://open.spotify.com/track/${shown[0]!.split(':')[2]}`,
    );
    expect(await link.getAttribute('target')).toBe('_blank');
    // a local file has no page on Spotify
    await page.getByRole('button', { name: /^Duplicates/ }).click();
    await page.getByRole('button', { name: /^Local files \d+$/ }).click();
    expect(await row(0).getByText('Local file').count()).toBe(1);
    expect(
      await row(0)
        .getByRole('link', { name: / in Spotify$/ })
        .count(),
    ).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
