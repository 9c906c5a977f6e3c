// Batch edits in a real browser against `plm serve` and the Spotify emulator, checking the
// emulator's own state (its admin dump) after every batch: select the playlists of a tag, preview
// and run an add with live progress; cancel a slow batch midway (the emulator's latency makes it
// slow; the test waits for the page's state, never a clock) and see which playlists were not run;
// undo that batch; and where-is-this-track's toggles (add to one playlist, remove from another, one
// batch).
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

const TAG = 'e2e-batch';
const TAGGED = Array.from({ length: 6 }, (_, i) => `Batch ${i + 1}`);
const OTHER = 'Other 1';
const SOURCE = 'Source';

let stack: Stack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const started = Date.now();
/** Tracks of the source playlist, added by the batches (not in any other playlist). */
let sourceUris: string[] = [];

interface EmulatorPlaylist {
  id: string;
  name: string;
  entries: { uri: string }[];
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir, `batch-${name}.png`), fullPage: false });
}

/** Every playlist of demo-pro as the emulator holds it, by name. */
async function truth(): Promise<Map<string, string[]>> {
  const res = await fetch(`${stack.emulatorUrl}/__emulator/users/demo-pro/playlists`);
  const all = (await res.json()) as EmulatorPlaylist[];
  return new Map(all.map((p) => [p.name, p.entries.map((e) => e.uri)]));
}

async function setLatency(ms: number): Promise<void> {
  const res = await fetch(`${stack.emulatorUrl}/__emulator/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ latency: { fixed_ms: ms, jitter_ms: 0 } }),
  });
  if (!res.ok) throw new Error(`setting the latency: ${res.status} ${await res.text()}`);
}

const dialog = (): Locator => page.getByRole('dialog');

/**
 * Waits until the batch shown in the dialog (or page) has ended, and returns its state. `after`:
 * the id of a batch this one replaces in the same view (an undo's), whose end must not be read.
 */
async function batchEnded(scope: Locator, after?: string): Promise<string> {
  const view = after
    ? scope.locator(`[data-testid=batch-job]:not([data-job-id="${after}"])`)
    : scope.getByTestId('batch-job');
  const status = view.getByTestId('batch-job-status');
  await status.getByText(/^(Succeeded|Failed|Cancelled)$/).waitFor({ timeout: 60_000 });
  return (await status.locator('.badge').textContent()) ?? '';
}

/** The result rows of the batch in `scope`: playlist name -> outcome. */
async function results(scope: Locator): Promise<Map<string, string>> {
  const rows = scope.getByTestId('batch-result');
  const out = new Map<string, string>();
  for (const row of await rows.all())
    out.set(
      ((await row.locator('th').textContent()) ?? '').trim(),
      (await row.getAttribute('data-outcome')) ?? '',
    );
  return out;
}

/** The playlists page with the tag's playlists all selected, and a batch action's dialog open. */
async function openBatch(action: string): Promise<void> {
  await page.goto(`${stack.appUrl}playlists`);
  await page
    .getByRole('navigation', { name: 'Tags' })
    .getByRole('button', { name: new RegExp(`^${TAG}`) })
    .click();
  await expect.poll(() => page.getByTestId('playlist-row').count()).toBe(TAGGED.length);
  await page.getByRole('checkbox', { name: 'Select all shown playlists' }).check();
  await page
    .getByRole('group', { name: 'Batch actions' })
    .getByRole('button', { name: action })
    .click();
  await dialog().waitFor();
}

describe.sequential('batch edits', () => {
  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    stack = await startStack();
    await seedEmulator(stack, {
      users: [{ id: 'demo-pro', display_name: 'Nova Sound Records' }],
      playlists: [
        ...[...TAGGED, OTHER].map((name) => ({ owner: 'demo-pro', name, random_tracks: 4 })),
        { owner: 'demo-pro', name: SOURCE, random_tracks: 30 },
      ],
    });
    const world = await truth();
    const elsewhere = new Set([...TAGGED, OTHER].flatMap((n) => world.get(n) ?? []));
    sourceUris = [...new Set(world.get(SOURCE))].filter((u) => !elsewhere.has(u));
    if (sourceUris.length < 2) throw new Error('the seed gave too few tracks of its own to Source');

    context = await launchBrowser();
    page = await openPage(context, pageErrors);

    await signInConnectAndSync(page, stack);

    // Tag the batch's playlists through the API, as the tag editor would.
    const tagged = await page.evaluate(
      async ({ names, tag }) => {
        const session = (await (await fetch('api/session')).json()) as { csrf_token: string };
        const list = (await (await fetch('api/playlists')).json()) as {
          playlists: { account_id: number; id: string; name: string }[];
        };
        let n = 0;
        for (const p of list.playlists.filter((p) => names.includes(p.name))) {
          const res = await fetch(`api/accounts/${p.account_id}/playlists/${p.id}/tags`, {
            method: 'PUT',
            headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token },
            body: JSON.stringify({ tags: [tag] }),
          });
          if (res.ok) n++;
        }
        return n;
      },
      { names: TAGGED, tag: TAG },
    );
    expect(tagged).toBe(TAGGED.length);
    console.log(`e2e batch: set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterEach((ctx) => reportFailure(ctx, page, stack, shot));

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    console.log(`e2e batch: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  });

  it('selects a tag, previews an add per playlist, and runs it with live progress', async () => {
    const track = sourceUris[0]!;
    await openBatch('Add tracks…');
    await dialog().getByLabel('Track URIs or links').fill(track);
    await dialog().getByLabel('Add at').selectOption('top');
    await dialog().getByRole('button', { name: 'Preview' }).click();
    const entries = dialog().getByTestId('batch-entry');
    await expect.poll(() => entries.count()).toBe(TAGGED.length);
    expect(await dialog().locator('[data-testid=batch-entry][data-status=change]').count()).toBe(
      TAGGED.length,
    );
    expect(await dialog().getByTestId('batch-totals').textContent()).toContain(
      `${TAGGED.length} playlists change`,
    );
    await shot('preview');
    await dialog()
      .getByRole('button', { name: `Run on ${TAGGED.length} playlists` })
      .click();
    expect(await batchEnded(dialog())).toBe('Succeeded');
    expect(await dialog().getByTestId('batch-result-counts').textContent()).toBe(
      `${TAGGED.length} changed`,
    );
    const world = await truth();
    for (const name of TAGGED) expect(world.get(name)?.[0], name).toBe(track);
    expect(world.get(OTHER)).not.toContain(track);
    await dialog().getByRole('button', { name: 'Close' }).click();
  });

  it('cancels a slow batch midway: what ran stays, the one in flight finishes, the rest is not run; then undoes it', async () => {
    const track = sourceUris[1]!;
    await setLatency(300);
    await openBatch('Add tracks…');
    await dialog().getByLabel('Track URIs or links').fill(track);
    await dialog().getByRole('button', { name: 'Preview' }).click();
    await dialog()
      .getByRole('button', { name: `Run on ${TAGGED.length} playlists` })
      .click();
    // Live progress: the first playlist's result arrives while the others still wait.
    await dialog().locator('[data-testid=batch-result][data-outcome=done]').first().waitFor();
    await dialog()
      .getByRole('button', { name: /^Cancel the batch edit/ })
      .click();
    await page.getByRole('button', { name: 'Cancel the job' }).click();
    expect(await batchEnded(dialog())).toBe('Cancelled');
    const cancelled = (await dialog().getByTestId('batch-job').getAttribute('data-job-id')) ?? '';
    await setLatency(0);
    await shot('cancelled');

    const outcomes = await results(dialog());
    const ran = TAGGED.filter((n) => outcomes.get(n) === 'done');
    const notRun = TAGGED.filter((n) => outcomes.get(n) === 'pending');
    expect(ran.length).toBeGreaterThan(0);
    expect(notRun.length).toBeGreaterThan(0);
    expect(ran.length + notRun.length).toBe(TAGGED.length);
    let world = await truth();
    for (const name of ran) expect(world.get(name)?.at(-1), name).toBe(track);
    // A cancel lets the playlist being edited finish (it is stored and journaled, so the undo
    // knows it); every playlist not run is untouched.
    for (const name of notRun) expect(world.get(name), name).not.toContain(track);

    // Undo: the preview first (what goes back), then the undo batch.
    await dialog().getByRole('button', { name: 'Undo the batch' }).click();
    const undo = dialog().getByTestId('undo-preview');
    await expect
      .poll(() => undo.locator('[data-testid=batch-entry][data-status=change]').count())
      .toBe(ran.length);
    await undo.getByRole('button', { name: /^Undo \d+ playlists?$/ }).click();
    expect(await batchEnded(dialog(), cancelled)).toBe('Succeeded');
    world = await truth();
    for (const name of TAGGED) expect(world.get(name), name).not.toContain(track);
    // The first batch's track is still there.
    for (const name of TAGGED) expect(world.get(name)?.[0], name).toBe(sourceUris[0]);
    await dialog().getByRole('button', { name: 'Close' }).click();
  });

  it('where is this track: toggles add it to one playlist and take it out of another', async () => {
    const track = sourceUris[0]!;
    // From a track row of a playlist ("Where else?", shown on hover); searched for, as the list
    // renders only the rows in view.
    await page.goto(`${stack.appUrl}playlists?q=${encodeURIComponent(TAGGED[1]!)}`);
    await playlistLink(page.getByTestId('playlist-row'), TAGGED[1]!).click();
    const first = page.getByTestId('track-table').locator('[role=row][data-index="0"]');
    await first.hover();
    await first.getByRole('link', { name: /^Where else\? / }).click();
    await page.waitForURL(/\/where\?uri=/);
    expect(new URL(page.url()).searchParams.get('uri')).toBe(track);
    const table = page.getByTestId('where-table');
    await expect
      .poll(() => table.locator('[data-testid=where-row][data-holds=yes]').count())
      .toBe(TAGGED.length + 1); // the tagged playlists and Source
    await page.getByLabel(`${TAGGED[0]} holds it`).uncheck();
    await page.getByLabel(`${OTHER} holds it`).check();
    await page.getByRole('button', { name: 'Apply (add to 1, remove from 1)' }).click();
    const preview = page.getByTestId('where-preview');
    await expect
      .poll(() => preview.locator('[data-testid=batch-entry][data-status=change]').count())
      .toBe(2);
    await preview.getByRole('button', { name: 'Run on 2 playlists' }).click();
    expect(await batchEnded(page.locator('body'))).toBe('Succeeded');
    const world = await truth();
    expect(world.get(TAGGED[0]!)).not.toContain(track);
    expect(world.get(OTHER)?.at(-1)).toBe(track);
    for (const name of TAGGED.slice(1)) expect(world.get(name)?.[0], name).toBe(track);
    await shot('where');
    expect(pageErrors).toEqual([]);
  });
});
