// The flows that matter, in a real browser against `plm serve` and the Spotify emulator:
// sign in, connect the demo account through the consent page, sync with live progress, filter
// the list, open the 10,000-track playlist and scroll to its end, sign out.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactsDir,
  connectDemoAccount,
  emulatorProfile,
  launchBrowser,
  openPage,
  playlistLink,
  reportFailure,
  startStack,
  type Stack,
} from './harness';

let stack: Stack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: false });
}

describe.sequential('plm in a browser', () => {
  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    stack = await startStack();
    context = await launchBrowser();
    page = await openPage(context, pageErrors);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });

  afterEach((ctx) => reportFailure(ctx, page, stack, shot));

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (consoleErrors.length) console.warn(`browser console errors:\n${consoleErrors.join('\n')}`);
  });

  it('signs in', async () => {
    await page.goto(`${stack.appUrl}playlists`);
    await page.waitForURL(/\/login\?next=playlists/);
    await page.getByLabel('Username').fill(stack.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong username or password.').waitFor();
    await shot('01-login-error');
    await page.getByLabel('Password').fill(stack.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/playlists$/);
    await page.getByRole('heading', { name: 'Playlists', level: 1 }).waitFor();
    await page.getByText('Connect Spotify to see your playlists').waitFor();
    await shot('02-empty-playlists');
  });

  it('connects the demo Spotify account through the consent page', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Accounts' })
      .click();
    await page.getByRole('heading', { name: 'Spotify accounts' }).waitFor();
    await connectDemoAccount(page, stack, () => shot('03-consent'));
    const notice = page.getByTestId('connect-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Spotify account connected');
    await page.getByTestId('account-card').first().waitFor();
    expect(await page.getByTestId('account-card').count()).toBe(1);
    await shot('04-connected');
  });

  it('syncs with visible live progress', async () => {
    // Record every progress text the page shows, to prove it moves while the sync runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      const record = () => {
        for (const bar of document.querySelectorAll('[role=progressbar]')) {
          const text = bar.getAttribute('aria-valuetext') ?? '';
          if (seen[seen.length - 1] !== text) seen.push(text);
        }
      };
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-valuetext', 'aria-valuenow'],
      });
    });
    const card = page.getByTestId('account-card').first();
    await card.getByRole('button', { name: 'Sync now' }).click();
    await card.getByRole('progressbar').waitFor({ state: 'visible' });
    await shot('05-sync-progress');
    await card.getByRole('progressbar').waitFor({ state: 'detached', timeout: 150_000 });
    const seen = await page.evaluate(
      () => (window as unknown as { __progress: string[] }).__progress,
    );
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.some((t) => / of \d+ playlists/.test(t))).toBe(true);
    // The card now shows what was stored.
    await page.waitForFunction(() => {
      const dd = [...document.querySelectorAll('[data-testid=account-card] dd')][0];
      return dd !== undefined && Number((dd.textContent ?? '').replace(/\D/g, '')) > 300;
    });
    await shot('06-synced');
    if (emulatorProfile === 'realistic') {
      // Spotify's unkind side was there, and plm kept to its rate budget: not one 429.
      const stats = await (await fetch(`${stack.emulatorUrl}/__emulator/stats`)).json();
      console.log(
        `e2e: realistic sync: ${stats.total} Spotify calls, ${stats.faults} 5xx injected, ` +
          `${stats.rate_limited} rate limited`,
      );
      expect(stats.faults).toBeGreaterThan(0);
      expect(stats.rate_limited).toBe(0);
    }
  });

  it('lists the playlists virtualized, with sticky headers and row keys; the URL keeps the search', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Playlists' })
      .click();
    const table = page.getByTestId('playlist-table');
    const rows = page.getByTestId('playlist-row');
    await rows.first().waitFor();
    const shown = async () => Number(await table.getAttribute('aria-rowcount')) - 1;
    const total = await shown();
    expect(total).toBeGreaterThan(300);
    expect(await rows.count()).toBeLessThan(100);

    // Scrolled to the middle: rows from there are rendered (the first stays: it holds the tab
    // stop), the column headers stay at the top of the scroll area, and a name from there is one
    // a search finds past the first screen.
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=playlist-row]')].some(
        (r) => Number(r.getAttribute('aria-rowindex')) > 100,
      ),
    );
    const gap = await table.evaluate(
      (el) =>
        el.querySelector('.pt-head')!.getBoundingClientRect().top - el.getBoundingClientRect().top,
    );
    expect(Math.abs(gap)).toBeLessThan(2);
    const far = rows.nth(5);
    expect(Number(await far.getAttribute('aria-rowindex'))).toBeGreaterThan(100);
    const name = (await playlistLink(far).textContent()) ?? '';

    // Row keys: one tab stop, arrows move focus, End reaches the last row (scrolled in, clear of
    // the sticky header).
    await table.evaluate((el) => (el.scrollTop = 0));
    await rows.first().waitFor();
    await page.locator('[data-testid=playlist-row][aria-rowindex="2"]').focus();
    await page.keyboard.press('ArrowDown');
    const focusedIndex = () =>
      page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'));
    expect(await focusedIndex()).toBe('3');
    await page.keyboard.press('End');
    await page.waitForFunction(
      (last) => document.activeElement?.getAttribute('aria-rowindex') === last,
      String(total + 1),
    );
    const [rowTop, headBottom] = await page.evaluate(() => [
      document.activeElement!.getBoundingClientRect().top,
      document.querySelector('.pt-head')!.getBoundingClientRect().bottom,
    ]);
    expect(rowTop).toBeGreaterThanOrEqual(headBottom - 1);
    expect(await rows.count()).toBeLessThan(100);

    const word = name.split(/\s+/).sort((a, b) => b.length - a.length)[0]!;
    await page.keyboard.press('/');
    await page.keyboard.type(word);
    await page.waitForFunction(
      (n) =>
        Number(
          document.querySelector('[data-testid=playlist-table]')?.getAttribute('aria-rowcount'),
        ) -
          1 <
        n,
      total,
    );
    const filtered = await shown();
    expect(filtered).toBeGreaterThan(0);
    expect(await playlistLink(rows, name).count()).toBeGreaterThan(0);
    expect(new URL(page.url()).searchParams.get('q')).toBe(word);
    await shot('07-filtered');

    await page.reload();
    await rows.first().waitFor();
    expect(await page.getByLabel('Search playlists').inputValue()).toBe(word);
    expect(await shown()).toBe(filtered);

    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await page.waitForFunction(
      (n) =>
        Number(
          document.querySelector('[data-testid=playlist-table]')?.getAttribute('aria-rowcount'),
        ) -
          1 ===
        n,
      total,
    );
  });

  it('opens the 10,000-track playlist and scrolls it to the end', async () => {
    await page.getByLabel('Sort by').selectOption('tracks:desc');
    const first = page.getByTestId('playlist-row').first();
    expect(await first.locator('.pt-tracks').textContent()).toBe('10,000');
    await playlistLink(first).click();
    await page.waitForURL(/\/playlists\/\d+\/[^/]+$/);
    const table = page.getByTestId('track-table');
    await table.waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=track-count]')?.textContent === '10,000 tracks',
    );
    await shot('08-big-playlist');

    // Keyboard scrolling: focus the table and press End.
    await table.focus();
    await page.keyboard.press('End');
    const lastRow = table.locator('[role=row][aria-rowindex="10001"]');
    await lastRow.waitFor({ state: 'visible' });
    expect(await lastRow.isVisible()).toBe(true);
    const rowsInDom = await table.locator('[role=row]').count();
    expect(rowsInDom).toBeLessThan(200);
    await shot('09-scrolled-to-end');

    // The track filter narrows the virtual list.
    const title = (await lastRow.locator('.tt-title').textContent()) ?? '';
    await page.getByLabel('Filter tracks').fill(title);
    await page.waitForFunction(
      () => !/^10,000/.test(document.querySelector('[data-testid=track-count]')?.textContent ?? ''),
    );
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${stack.appUrl}accounts`);
    await page.waitForURL(/\/login\?next=accounts/);
    await shot('10-signed-out');
    expect(pageErrors).toEqual([]);
  });
});
