// First visit on a server without users: the setup page with the code from the server's log, then
// a tour of every page at desktop and phone widths, light and dark, saved to e2e/artifacts/.
import { mkdirSync } from 'node:fs';
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

let stack: Stack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 860 };

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir, `tour-${name}.png`) });
}

/** Screenshots at desktop and phone width, in light and dark. */
async function shots(name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(DESKTOP);
    await shot(`${name}-desktop-${scheme}`);
    await page.setViewportSize(PHONE);
    await shot(`${name}-phone-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(DESKTOP);
}

/** The page must not scroll sideways on a phone (tables scroll inside their own box). */
async function expectNoHorizontalScroll(): Promise<void> {
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  await page.setViewportSize(DESKTOP);
  expect(overflow).toBeLessThanOrEqual(0);
}

describe.sequential('first visit and a tour of the pages', () => {
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

  it('creates the first administrator with the setup code from the log', async () => {
    await page.goto(`${stack.appUrl}playlists`);
    await page.waitForURL(/\/setup$/);
    await page.getByRole('heading', { name: 'Welcome to plm' }).waitFor();
    await shots('setup');
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Setup code').fill('wrong-code');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByText('The password needs at least 10 characters.').waitFor();
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /setup code/i })
      .waitFor();
    const code = stack.setupCode();
    expect(code).toBeTruthy();
    await page.getByLabel('Setup code').fill(code!);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL(/\/accounts$/);
    await page.getByText('No Spotify account connected yet').waitFor();
    await shots('accounts-empty');
    await expectNoHorizontalScroll();
  });

  it('connects and syncs, then shows the playlists', async () => {
    await connectDemoAccount(page, stack);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByRole('progressbar').waitFor();
    await page.getByRole('progressbar').waitFor({ state: 'detached', timeout: 150_000 });
    await shots('accounts');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Playlists' })
      .click();
    await page.getByTestId('playlist-row').first().waitFor();
    await shots('playlists');
    await expectNoHorizontalScroll();
  });

  it('shows the finished sync on the Jobs page and its details', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Jobs' })
      .click();
    await page.getByTestId('job-row').first().getByText('Succeeded').waitFor();
    await shots('jobs');
    await expectNoHorizontalScroll();
    await page.getByTestId('job-row').first().getByRole('link').click();
    await page.getByTestId('job-item').first().waitFor();
    await shots('job');
    await expectNoHorizontalScroll();
    // The next step starts from the playlist list.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Playlists' })
      .click();
    await page.getByTestId('playlist-row').first().waitFor();
  });

  it('tags a playlist and finds it by the tag filter', async () => {
    const link = playlistLink(page.getByTestId('playlist-row').nth(2));
    const name = (await link.textContent()) ?? '';
    await link.click();
    await page.getByTestId('track-table').waitFor();
    await page.getByLabel('Add tags').fill('radio, summer');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Remove tag summer' }).waitFor();
    await shots('playlist');
    await expectNoHorizontalScroll();
    await page.getByRole('link', { name: 'All playlists' }).click();
    await page
      .getByRole('navigation', { name: 'Tags' })
      .getByRole('button', { name: 'radio 1 playlist', exact: true })
      .click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=playlist-row]').length === 1,
    );
    expect(await playlistLink(page.getByTestId('playlist-row')).textContent()).toBe(name);
  });

  it('manages users and shows the settings', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.getByLabel('Username').fill('listener');
    await page.getByLabel('Password').fill('listener password 1');
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('rowheader', { name: 'listener' }).waitFor();
    await shots('users');
    await page.getByRole('button', { name: 'Delete' }).last().click();
    await page.getByRole('dialog').waitFor();
    await shot('users-delete-dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Settings' })
      .click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await shots('settings');
  });

  it('shows a viewer the same data without write actions', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await shots('login');
    await page.getByLabel('Username').fill('listener');
    await page.getByLabel('Password').fill('listener password 1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/playlists$/);
    // Accounts belong to one plm user, so a new viewer has none (and cannot connect one).
    await page.getByText('viewers cannot connect one').waitFor();
    await shots('viewer-playlists');
    expect(await page.getByRole('button', { name: /Sync/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
