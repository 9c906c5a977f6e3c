// Paste to add in a real browser against `plm serve` and the Spotify emulator: twelve pasted lines
// (text in several shapes, URIs and a link, a blank line, a comment, nonsense, a bare title) are
// matched by a match_paste job and fill in live; one line is skipped, one is decided by a search by
// hand; the accepted tracks are added to a playlist through the edit's preview, and the emulator's
// own state (its admin dump) has them, in line order, after the tracks it had.
import { mkdirSync } from 'node:fs';
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

const TARGET = 'Paste target';
const SOURCE = 'Paste source';

let stack: Stack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const started = Date.now();

interface StoredTrack {
  uri: string;
  name: string;
  artists: string[];
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir, `paste-${name}.png`), fullPage: false });
}

/** The playlist's URIs as the emulator holds them. */
async function truth(name: string): Promise<string[]> {
  const res = await fetch(`${stack.emulatorUrl}/__emulator/users/demo-pro/playlists`);
  const all = (await res.json()) as { name: string; entries: { uri: string }[] }[];
  const found = all.find((p) => p.name === name);
  if (!found) throw new Error(`the emulator has no playlist named ${name}`);
  return found.entries.map((e) => e.uri);
}

const panel = (): Locator => page.getByTestId('paste-panel');
const line = (n: number): Locator => panel().locator(`[data-testid=paste-line][data-line="${n}"]`);

/** Names that read the same in every shape of line (no dashes, brackets or "by" inside). */
const plain = (t: StoredTrack) =>
  /^[A-Za-z0-9' ]{3,40}$/.test(t.name) &&
  /^[A-Za-z0-9' ]{2,40}$/.test(t.artists[0] ?? '') &&
  !/\bby\b/i.test(t.name);

describe.sequential('paste to add', () => {
  let accountId = 0;
  let targetId = '';
  let source: StoredTrack[] = [];

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    stack = await startStack();
    await seedEmulator(stack, {
      users: [{ id: 'demo-pro', display_name: 'Nova Sound Records' }],
      playlists: [
        { owner: 'demo-pro', name: TARGET, random_tracks: 3 },
        { owner: 'demo-pro', name: SOURCE, random_tracks: 60 },
      ],
    });

    context = await launchBrowser();
    page = await openPage(context, pageErrors);

    await signInConnectAndSync(page, stack);

    // The source playlist's tracks as plm stored them: the lines are written from them.
    const found = await page.evaluate(
      async ({ target, from }) => {
        const list = (await (await fetch('api/playlists')).json()) as {
          playlists: { account_id: number; id: string; name: string }[];
        };
        const t = list.playlists.find((p) => p.name === target)!;
        const s = list.playlists.find((p) => p.name === from)!;
        const items = (await (
          await fetch(`api/accounts/${s.account_id}/playlists/${s.id}/items`)
        ).json()) as { items: { uri: string; name: string; artists: string[] }[] };
        return { accountId: t.account_id, targetId: t.id, items: items.items };
      },
      { target: TARGET, from: SOURCE },
    );
    accountId = found.accountId;
    targetId = found.targetId;
    const inTarget = new Set(await truth(TARGET));
    const seen = new Set<string>();
    source = found.items.filter((t) => {
      const fresh = !seen.has(t.uri) && !inTarget.has(t.uri) && plain(t);
      seen.add(t.uri);
      return fresh;
    });
    if (source.length < 9) throw new Error(`too few plain tracks in the source (${source.length})`);
    console.log(`e2e paste: set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterEach((ctx) => reportFailure(ctx, page, stack, shot));

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    console.log(`e2e paste: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  });

  it('matches twelve pasted lines live, takes decisions, and adds the accepted tracks', async () => {
    const t = source;
    const id = (track: StoredTrack) => track.uri.split(':')[2];
    const lines = [
      `${t[0]!.artists[0]} - ${t[0]!.name}`,
      `${t[1]!.name} by ${t[1]!.artists[0]}`,
      t[2]!.uri,
      `https://open.spotify.com/track/${id(t[3]!)}?si=0123abcd`,
      '',
      `1. ${t[4]!.artists[0]} – ${t[4]!.name} (Official Video)`,
      "# from the label's e-mail",
      'qwzx vbnm plokjh zzyx',
      t[5]!.name,
      `${t[6]!.artists[0]} - ${t[6]!.name}`,
      t[7]!.uri,
      `${t[8]!.artists[0]}: ${t[8]!.name}`,
    ];
    const before = await truth(TARGET);

    await page.goto(`${stack.appUrl}playlists/${accountId}/${targetId}`);
    await page.getByRole('button', { name: 'Add from text…' }).click();
    await panel().getByLabel('Lines to match, one track per line').fill(lines.join('\n'));
    await panel()
      .getByText(/^12 lines of at most 10,000/)
      .waitFor();
    await panel().getByRole('button', { name: 'Match' }).click();

    // The rows fill in as the job goes; then every line has its result.
    await panel().getByTestId('paste-results').waitFor();
    expect(await panel().getByTestId('paste-line').count()).toBe(12);
    await panel()
      .getByTestId('paste-progress')
      .getByText(/^Matched 12 lines/)
      .waitFor({ timeout: 60_000 });
    expect(await panel().locator('[data-testid=paste-line][data-status=pending]').count()).toBe(0);
    await shot('matched');
    // Lines that name a track directly resolve to it; blank and comment lines are invalid.
    expect(await line(3).getAttribute('data-uri')).toBe(t[2]!.uri);
    expect(await line(4).getAttribute('data-uri')).toBe(t[3]!.uri);
    expect(await line(11).getAttribute('data-uri')).toBe(t[7]!.uri);
    expect(await line(5).getAttribute('data-status')).toBe('invalid');
    expect(await line(7).getAttribute('data-status')).toBe('invalid');
    expect(await line(8).getAttribute('data-status')).toMatch(/^(not_found|invalid)$/);
    expect(await line(8).getAttribute('data-uri')).toBeNull();
    for (const n of [1, 2, 6, 10, 12])
      expect(await line(n).getAttribute('data-status'), `line ${n}`).toMatch(
        /^(matched|ambiguous)$/,
      );

    // Skip line 3 (the keyboard keeps its place: the focus goes to the line's Undo).
    await line(3).getByRole('button', { name: 'Skip line 3' }).click();
    await expect.poll(() => line(3).getAttribute('data-decision')).toBe('skipped');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Undo the decision on line 3',
    );

    // Line 9, a bare title: search by hand and pick the track it was written from.
    await line(9).getByRole('button', { name: 'Choose a track for line 9' }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose a track for line 9' });
    await dialog.getByLabel('Search Spotify for tracks').fill(`${t[5]!.name} ${t[5]!.artists[0]}`);
    const results = dialog.getByRole('list', { name: 'Search results' });
    await results
      .getByRole('button', { name: `Pick ${t[5]!.name} by ` })
      .first()
      .waitFor();
    // The result that is the source's track (search may list other versions first).
    const pick = results
      .locator('li')
      .filter({ hasText: t[5]!.name })
      .filter({ hasText: t[5]!.artists[0]! })
      .first();
    await pick.getByRole('button').click();
    await expect.poll(() => line(9).getAttribute('data-decision')).toMatch(/^(accepted|picked)$/);

    // The skipped filter shows line 3 alone.
    const filters = panel().getByRole('group', { name: 'Show lines' });
    await filters.getByRole('button', { name: /^Skipped/ }).click();
    expect(
      await panel()
        .getByTestId('paste-line')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-line'))),
    ).toEqual(['3']);
    await filters.getByRole('button', { name: /^All/ }).click();

    // What will be added, read from the rows: matched and not skipped, or decided; once each.
    const expected = await panel()
      .getByTestId('paste-line')
      .evaluateAll((rows) => {
        const out: string[] = [];
        const sorted = rows.sort(
          (a, b) => Number(a.getAttribute('data-line')) - Number(b.getAttribute('data-line')),
        );
        for (const r of sorted) {
          const uri = r.getAttribute('data-uri');
          const decision = r.getAttribute('data-decision');
          const status = r.getAttribute('data-status');
          const adds =
            uri !== null && decision !== 'skipped' && (decision !== 'none' || status === 'matched');
          if (adds && !out.includes(uri)) out.push(uri);
        }
        return out;
      });
    expect(expected).toContain(t[3]!.uri);
    expect(expected).not.toContain(t[2]!.uri);
    expect(expected).toContain(t[7]!.uri);

    // Add at the bottom: the edit's preview first, then the edit; Spotify has them in line order.
    await panel()
      .getByRole('button', { name: `Add ${expected.length} tracks…` })
      .click();
    const preview = page.getByRole('dialog', {
      name: `Add ${expected.length} tracks from the paste`,
    });
    await preview.getByTestId('preview-facts').waitFor();
    await shot('preview');
    await preview.getByRole('button', { name: `Add ${expected.length} tracks` }).click();
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid=edit-status]')?.textContent === text,
      `Added ${expected.length} tracks.`,
      { timeout: 30_000 },
    );
    expect(await truth(TARGET)).toEqual([...before, ...expected]);
    // The panel said how the matching went; the app-wide "job finished" notice stayed quiet.
    expect(await page.getByText(/^Matching of pasted lines/).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('keeps a 1,000-line paste responsive: a window of rows in the DOM, filters answer at once', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => {
      const track = source[i % source.length]!;
      return i % 10 === 9
        ? `nothing like this ${i}`
        : i % 2
          ? track.uri
          : `${track.artists[0]} - ${track.name}`;
    });
    await page.getByRole('button', { name: 'Change the lines' }).click();
    // The textarea's own cost comes first (Chromium's editing of 1,000 lines: about 2 s in a
    // headless run on a busy machine; the panel's input handler takes a few ms of it).
    await panel().getByLabel('Lines to match, one track per line').fill(lines.join('\n'));
    await panel()
      .getByText(/^1,000 lines of at most 10,000/)
      .waitFor();
    // Then the longest task (over 50 ms, as Chromium reports them) while the lines are matched,
    // merged and shown.
    await page.evaluate(() => {
      const w = window as unknown as { longest: number };
      w.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    await panel().getByRole('button', { name: 'Match' }).click();
    await panel()
      .getByTestId('paste-progress')
      .getByText(/^Matched 1,000 lines/)
      .waitFor({ timeout: 120_000 });
    expect(await panel().getByTestId('paste-line').count()).toBeLessThan(60);
    const filters = panel().getByRole('group', { name: 'Show lines' });
    await filters.getByRole('button', { name: /^Needs a decision/ }).click();
    await expect
      .poll(() => panel().locator('[data-testid=paste-line][data-status=matched]').count())
      .toBe(0);
    const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
    console.log(`e2e paste: longest task while 1,000 lines were matched: ${longest.toFixed(0)} ms`);
    // Generous for a loaded CI machine; measured 0 (no task over 50 ms) on the 2-core build box.
    expect(longest).toBeLessThan(400);
    expect(pageErrors).toEqual([]);
  });
});
