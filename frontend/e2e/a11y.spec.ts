// Accessibility proof (issue 13 §3): axe-core over every page, light and dark, with no serious or
// critical violation; then a keyboard-only walk (no mouse): sign in, filter, open a playlist,
// select tracks, open the `?` overlay and close it. One server, one sync for the whole spec.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactsDir,
  connectDemoAccount,
  launchBrowser,
  openPage,
  playlistLink,
  reportFailure,
  startStack,
  type Stack,
} from './harness';

// plm's Content-Security-Policy (script-src 'self') refuses page.addScriptTag's inline script:
// axe is evaluated through the DevTools protocol instead, which the policy does not govern.
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

let stack: Stack;
let context: BrowserContext;
let page: Page;
/** A playlist of the demo account's own (so it can be edited), with many tracks. */
const BIG = 'Everything — Master Library';
const pageErrors: string[] = [];
/** The pages scanned so far, so the last test can check that none was forgotten. */
const scanned = new Set<string>();

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir, `a11y-${name}.png`) });
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page as it is now, in light and in dark, and fails with what it found at
 * the serious and critical levels. Transitions are switched off first, so colours are read at
 * their end rather than halfway through a change of scheme. A full page load drops axe: it is
 * evaluated again then.
 */
async function scan(name: string): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.evaluate(axeSource);
    await page.evaluate(() => {
      // A constructed sheet: CSP's style-src does not apply to it, as it would to a <style>.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync('*, *::before, *::after { transition: none !important; }');
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    });
  }
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Only colours change with the scheme: dark runs the colour rules alone (half the time).
    const rules = scheme === 'dark' ? ['color-contrast', 'link-in-text-block'] : null;
    const violations = await page.evaluate(async (only) => {
      const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<unknown> } })
        .axe;
      const options = only
        ? { resultTypes: ['violations'], runOnly: { type: 'rule', values: only } }
        : { resultTypes: ['violations'] };
      const result = (await axe.run(document, options)) as { violations: Violation[] };
      return result.violations;
    }, rules);
    for (const v of violations) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      const where = v.nodes
        .slice(0, 3)
        .map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`)
        .join('\n      ');
      found.push(`${scheme}: ${v.id} (${v.impact}) ${v.help}\n      ${where}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  scanned.add(name);
  if (found.length > 0) await shot(`${name}-violations`);
  expect.soft(found, `axe on ${name}`).toEqual([]);
}

/** In-app navigation through the main menu, as a person would (the page is not reloaded). */
async function nav(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
}

/** Presses Tab until `matches` holds for the focused element (at most `max` times). */
async function tabTo(matches: (el: Element) => boolean, what: string, max = 40): Promise<void> {
  const path: string[] = [];
  for (let i = 0; i <= max; i++) {
    const handle = await page.evaluateHandle(() => document.activeElement);
    const el = handle.asElement();
    if (el && (await el.evaluate(matches))) return;
    path.push(await focusedText());
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${what}; it went through:\n${path.join('\n')}`);
}

async function focusedText(): Promise<string> {
  return page.evaluate(
    () =>
      (document.activeElement?.getAttribute('aria-label') ??
        document.activeElement?.textContent ??
        '') + ` <${document.activeElement?.tagName.toLowerCase()}>`,
  );
}

describe.sequential('accessibility', () => {
  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    stack = await startStack({ createUser: false });
    context = await launchBrowser();
    page = await openPage(context, pageErrors);
  });

  afterEach((ctx) => reportFailure(ctx, page, stack, shot));

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
  });

  it('setup and sign-in pages have no serious violations', async () => {
    await page.goto(`${stack.appUrl}setup`);
    await scan('setup');
    await page.getByLabel('Username').fill(stack.username);
    await page.getByLabel('Password').fill(stack.password);
    await page.getByLabel('Setup code').fill(stack.setupCode() ?? '');
    await page.getByRole('button', { name: /create/i }).click();
    await page.waitForURL(/\/accounts$/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await scan('login');
  });

  it('signs in with the keyboard alone', async () => {
    await tabTo(
      (el) => el.id === 'login-username' || el.getAttribute('name') === 'username',
      'the username',
    );
    await page.keyboard.type(stack.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(stack.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/playlists$/);
    await scan('playlists-empty');
  });

  it('accounts: connect and sync once (the data every other page shows)', async () => {
    await nav('Accounts');
    await connectDemoAccount(page, stack);
    const card = page.getByTestId('account-card').first();
    // The visible label is part of the accessible name (WCAG 2.5.3).
    await card.getByRole('button', { name: 'Sync now', exact: true }).press('Enter');
    // Done when the card has a last sync (its progress bar may come and go between two looks).
    await card.getByText('never', { exact: true }).waitFor({ state: 'detached', timeout: 60_000 });
    expect(await card.getByTestId('sync-failure').count()).toBe(0);
    await scan('accounts');
  });

  it('every signed-in page has no serious violations, light or dark', async () => {
    await nav('Playlists');
    await page.getByTestId('playlist-row').first().waitFor();
    await scan('playlists');
    // The Export menu open, and the import dialog's first step (choosing the file).
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByTestId('export-menu').waitFor();
    await scan('export-menu');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Import…' }).click();
    await page
      .getByRole('dialog', { name: 'Import playlists' })
      .getByLabel('File to import')
      .waitFor();
    await scan('import-dialog');
    await page.keyboard.press('Escape');
    await playlistLink(page.getByTestId('playlist-row').first()).click();
    await page.waitForURL(/\/playlists\/\d+\/[^/]+$/);
    await scan('playlist');
    const playlistUrl = page.url();
    await page
      .getByRole('link', { name: /history/i })
      .first()
      .click();
    await page.waitForURL(/\/history$/);
    await scan('history');
    await nav('Jobs');
    await page.getByTestId('job-row').first().waitFor();
    await scan('jobs');
    await page.getByTestId('job-row').first().getByRole('link').first().click();
    await page.waitForURL(/\/jobs\/[^/]+$/);
    await scan('job');
    await page.goto(`${stack.appUrl}where`);
    await scan('where');
    await nav('Settings');
    await scan('settings');
    await nav('Users');
    await scan('users');
    await page.goto(`${stack.appUrl}no/such/page`);
    // The app's shell renders first; wait for the page's own heading rather than read the first.
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await scan('not-found');
    await page.goto(playlistUrl);
  });

  it('walks the app with the keyboard alone: filter, open, select, the ? overlay', async () => {
    await page.goto(`${stack.appUrl}playlists`);
    await page.getByTestId('playlist-row').first().waitFor();
    // `/` goes to the filter; what is typed there stays there (`?` included).
    await page.keyboard.press('/');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe(
      'search',
    );
    await page.keyboard.type('?');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.keyboard.press('Backspace');
    // Tab to the playlist rows (one tab stop), then down and up the rows with the arrows.
    const playlistRow = (el: Element) =>
      el.getAttribute('role') === 'row' && el.hasAttribute('data-row-index');
    await tabTo(playlistRow, 'a playlist row');
    const first = await focusedText();
    await page.keyboard.press('ArrowDown');
    const second = await focusedText();
    expect(second).not.toBe(first);
    await page.keyboard.press('ArrowUp');
    expect(await focusedText()).toBe(first);
    // `/` again, from the table: the account's big playlist (its own, so it can be edited).
    await page.keyboard.press('/');
    await page.keyboard.type(BIG);
    await playlistLink(page.getByTestId('playlist-row'), BIG).waitFor();
    expect(await page.getByTestId('playlist-row').count()).toBe(1);
    await tabTo(playlistRow, `the row of ${BIG}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/playlists\/\d+\/[^/]+$/);

    // The track table (10,000 tracks: wait for them): arrows move, Shift extends the selection.
    await page.getByTestId('track-table').locator('[role=row][data-index="0"]').waitFor();
    await tabTo((el) => el.classList.contains('tt-scroll'), 'the track table');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    const selected = await page.locator('[aria-selected="true"]').count();
    const where = await page.evaluate(
      () =>
        `${document.querySelector('h1')?.textContent} ${document.querySelector('.tt-scroll')?.className}`,
    );
    expect(selected, where).toBeGreaterThanOrEqual(2);

    // `?` opens the overlay over the page; Escape closes it and gives the focus back.
    const before = await page.evaluate(() => document.activeElement?.className ?? '');
    await page.keyboard.press('?');
    const overlay = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await overlay.waitFor();
    expect(await overlay.textContent()).toContain('Show keyboard shortcuts');
    await scan('shortcuts-overlay');
    const during = await page.evaluate(
      () =>
        `${document.querySelector('.tt-scroll')?.className} ${document.querySelector('.tt-scroll')?.getAttribute('tabindex')}`,
    );
    await page.keyboard.press('Escape');
    await overlay.waitFor({ state: 'detached' });
    const after = await page.evaluate(
      () =>
        `${document.querySelector('.tt-scroll')?.className} ${document.querySelector('.tt-scroll')?.getAttribute('tabindex')} ${document.activeElement?.tagName}`,
    );
    expect(
      await page.evaluate(() => document.activeElement?.className ?? ''),
      `${during} / ${after}`,
    ).toBe(before);
    await shot('keyboard-walk');
  });

  it('scanned every page and the app raised no error', () => {
    expect([...scanned].sort()).toEqual(
      [
        'setup',
        'login',
        'playlists-empty',
        'accounts',
        'playlists',
        'export-menu',
        'import-dialog',
        'playlist',
        'history',
        'jobs',
        'job',
        'where',
        'settings',
        'users',
        'not-found',
        'shortcuts-overlay',
      ].sort(),
    );
    expect(pageErrors).toEqual([]);
  });
});
