// Export and import in a real browser against `plm serve` and the Spotify emulator (issue 14):
// the Export menu downloads a workbook of one playlist; uploading it back previews "nothing to
// change"; a small Exportify-like CSV made here (some rows with a URI, some with only a title and
// an artist, in a new order) previews the change, is applied as a batch job, and the playlist's
// page and the emulator's own state (its admin dump) have the new order.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactsDir,
  launchBrowser,
  openPage,
  reportFailure,
  seedEmulator,
  signInConnectAndSync,
  startStack,
  type Stack,
} from './harness';

const TARGET = 'Exchange target';
const OTHER = 'Exchange other';

let stack: Stack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const started = Date.now();

interface StoredTrack {
  uri: string;
  name: string;
  artists: string[];
  album: string;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir, `exchange-${name}.png`), fullPage: false });
}

/** The playlist's URIs as the emulator holds them. */
async function truth(name: string): Promise<string[]> {
  const res = await fetch(`${stack.emulatorUrl}/__emulator/users/demo-pro/playlists`);
  const all = (await res.json()) as { name: string; entries: { uri: string }[] }[];
  const found = all.find((p) => p.name === name);
  if (!found) throw new Error(`the emulator has no playlist named ${name}`);
  return found.entries.map((e) => e.uri);
}

const dialog = (): Locator => page.getByRole('dialog');

/** Names the matcher reads the same way in a CSV cell (no commas, quotes, dashes or brackets). */
const plain = (t: StoredTrack) =>
  /^[A-Za-z0-9' ]{3,40}$/.test(t.name) && /^[A-Za-z0-9' ]{2,40}$/.test(t.artists[0] ?? '');

/** A CSV field, quoted when it must be (RFC 4180). */
const field = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** Opens the import dialog, uploads `file` (into the target playlist) and waits for its preview. */
async function upload(file: string, into?: string): Promise<Locator> {
  await page.goto(`${stack.appUrl}playlists`);
  await page.getByRole('button', { name: 'Import…' }).click();
  await dialog().getByLabel('File to import').setInputFiles(file);
  if (into)
    await dialog()
      .getByLabel('A file of one sheet of tracks goes to')
      .selectOption({ label: into });
  await dialog().getByRole('button', { name: 'Upload and preview' }).click();
  const preview = dialog().getByTestId('import-preview');
  await preview.waitFor();
  // Matching done (the progress line goes).
  await dialog().getByTestId('import-matching').waitFor({ state: 'detached', timeout: 30_000 });
  return preview;
}

describe.sequential('export and import', () => {
  let accountId = 0;
  let targetId = '';
  let tracks: StoredTrack[] = [];
  let workbook = '';

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    stack = await startStack();
    await seedEmulator(stack, {
      users: [{ id: 'demo-pro', display_name: 'Nova Sound Records' }],
      playlists: [
        { owner: 'demo-pro', name: TARGET, random_tracks: 30 },
        { owner: 'demo-pro', name: OTHER, random_tracks: 5 },
      ],
    });

    context = await launchBrowser();
    page = await openPage(context, pageErrors);
    await signInConnectAndSync(page, stack);

    const found = await page.evaluate(async (target) => {
      const list = (await (await fetch('api/playlists')).json()) as {
        playlists: { account_id: number; id: string; name: string }[];
      };
      const t = list.playlists.find((p) => p.name === target)!;
      const items = (await (
        await fetch(`api/accounts/${t.account_id}/playlists/${t.id}/items`)
      ).json()) as { items: StoredTrack[] };
      return { accountId: t.account_id, targetId: t.id, items: items.items };
    }, TARGET);
    accountId = found.accountId;
    targetId = found.targetId;
    tracks = found.items;
    console.log(`e2e exchange: set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterEach((ctx) => reportFailure(ctx, page, stack, shot));

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    console.log(`e2e exchange: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  });

  it('exports a playlist as a workbook, and importing it back changes nothing', async () => {
    await page.goto(`${stack.appUrl}playlists`);
    await page.getByLabel(`Select ${TARGET}`).check();
    await page.getByRole('button', { name: 'Export' }).click();
    const downloaded = page.waitForEvent('download');
    await page
      .getByTestId('export-menu')
      .getByRole('link', { name: /^Excel workbook/ })
      .click();
    const download = await downloaded;
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    workbook = join(stack.workDir, download.suggestedFilename());
    await download.saveAs(workbook);
    expect(statSync(workbook).size).toBeGreaterThan(0);
    expect(readFileSync(workbook).subarray(0, 2).toString('latin1')).toBe('PK');

    const preview = await upload(workbook);
    const rows = preview.getByTestId('import-playlist');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(
      await preview.locator('[data-testid=import-playlist]:not([data-status=unchanged])').count(),
    ).toBe(0);
    await preview.getByTestId('import-nothing').waitFor();
    expect(
      await dialog()
        .getByRole('button', { name: /^Apply/ })
        .isDisabled(),
    ).toBe(true);
    await shot('unchanged');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
  });

  it('imports a CSV in a new order: the preview, a decision when asked, the apply, the new order', async () => {
    // Exportify's columns; the first half by URI, the rest (plain names only) by title and artist.
    const byName = tracks.filter(plain).slice(0, 4);
    const byUri = tracks.filter((t) => !byName.includes(t)).slice(0, 8);
    const order = [...byUri, ...byName].reverse();
    const lines = [
      'Track URI,Track Name,Artist Name(s),Album Name',
      ...order.map((t) =>
        [byUri.includes(t) ? t.uri : '', t.name, t.artists.join(', '), t.album]
          .map(field)
          .join(','),
      ),
    ];
    const csv = join(stack.workDir, 'new order.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);

    const preview = await upload(csv, TARGET);
    // Rows the matcher could not settle: take the track the row was written from.
    for (const t of byName) {
      const take = dialog().getByRole('button', { name: new RegExp(`^Take ${t.name} by `) });
      if (await take.count()) await take.first().click();
    }
    const row = preview.locator('[data-testid=import-playlist][data-status=change]');
    await row.waitFor();
    expect(await row.textContent()).toContain(TARGET);
    await row.getByRole('button', { name: `Show the changes of ${TARGET}` }).click();
    await row.getByTestId('entry-lists').waitFor();
    await shot('change');

    await dialog().getByRole('button', { name: 'Apply 1 playlist' }).click();
    expect(await dialog().getByTestId('import-confirm').textContent()).toMatch(/about \d+ calls?/);
    await dialog().getByRole('button', { name: 'Yes, apply 1 playlist' }).click();
    const status = dialog().getByTestId('batch-job-status');
    await status.getByText(/^(Succeeded|Failed|Cancelled)$/).waitFor({ timeout: 60_000 });
    expect(await status.locator('.badge').textContent()).toBe('Succeeded');
    await shot('applied');

    const want = order.map((t) => t.uri);
    expect(await truth(TARGET)).toEqual(want);
    await page.goto(`${stack.appUrl}playlists/${accountId}/${targetId}`);
    const table = page.getByTestId('track-table');
    await expect
      .poll(() =>
        table
          .locator('[role=row][data-uri]')
          .evaluateAll((rows) =>
            rows
              .sort(
                (a, b) =>
                  Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')),
              )
              .map((r) => r.getAttribute('data-uri') ?? ''),
          ),
      )
      .toEqual(want);
    expect(pageErrors).toEqual([]);
  });
});
