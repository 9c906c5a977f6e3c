// The Jobs page against the real server: a running sync shows in the list with live progress,
// its details fill with per-playlist results and history, it is cancelled between two steps, and
// a finished sync is found through the state filter kept in the URL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactsDir,
  connectDemoAccount,
  launchBrowser,
  reportFailure,
  signIn,
  startStack,
  type Stack,
} from './harness';

let stack: Stack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir, `jobs-${name}.png`) });
}

function nav(name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
}

/** Starts recording every aria-valuenow the page's progress bars show. */
async function recordProgress(): Promise<void> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __values: number[] }).__values = seen;
    new MutationObserver(() => {
      for (const bar of document.querySelectorAll('[role=progressbar]')) {
        const v = bar.getAttribute('aria-valuenow');
        if (v !== null && seen[seen.length - 1] !== Number(v)) seen.push(Number(v));
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow'],
    });
  });
}

async function recordedProgress(): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __values: number[] }).__values);
}

describe.sequential('the Jobs page', () => {
  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    // Slow enough that a sync of the demo account runs for a while: there is time to watch and
    // to cancel it.
    stack = await startStack({ latencyMs: 60 });
    context = await launchBrowser();
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await signIn(page, stack);
    await nav('Accounts').click();
    await connectDemoAccount(page, stack);
  });

  afterEach((ctx) => reportFailure(ctx, page, stack, shot));

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
  });

  it('lists the running sync with live progress', async () => {
    await page
      .getByTestId('account-card')
      .first()
      .getByRole('button', { name: 'Sync now' })
      .click();
    await page.getByTestId('account-card').first().getByRole('progressbar').waitFor();
    await nav('Jobs').click();
    await page.waitForURL(/\/jobs$/);
    const row = page.getByTestId('job-row').first();
    await row.getByText('Running').waitFor();
    expect(await row.getByRole('rowheader').textContent()).toContain('Sync of an account');
    await recordProgress();
    await page.waitForFunction(
      () => ((window as unknown as { __values: number[] }).__values ?? []).length >= 2,
    );
    const values = await recordedProgress();
    expect(values[values.length - 1]!).toBeGreaterThan(values[0]!);
    await shot('list-running');
  });

  it('shows the per-playlist results and the history of the running sync, then cancels it', async () => {
    await page.getByTestId('job-row').first().getByRole('link').click();
    await page.waitForURL(/\/jobs\/[^/]+$/);
    await page.getByRole('heading', { name: 'Sync of an account', level: 1 }).waitFor();
    const history = page.getByTestId('job-history');
    await history.getByRole('rowheader', { name: 'Started' }).waitFor();
    // Results arrive while it runs (re-read at most once a second).
    await page.getByTestId('job-item').first().waitFor();
    await shot('details-running');

    await page.getByRole('button', { name: /^Cancel Sync of an account/ }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('stays done');
    await dialog.getByRole('button', { name: 'Cancel the job' }).click();
    await dialog.waitFor({ state: 'detached' });
    const status = page.getByTestId('job-status');
    await status.getByText('Cancelled', { exact: true }).waitFor();
    await history.getByRole('rowheader', { name: 'Cancel requested' }).waitFor();
    await history.getByRole('rowheader', { name: 'Cancelled' }).waitFor();
    // What was done stays done: the playlists stored before the cancel are listed as done.
    expect(await page.getByTestId('job-item').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('job-outcomes').textContent()).toMatch(/\d+ done/);
    expect(await page.getByRole('button', { name: /^Cancel/ }).count()).toBe(0);
    await shot('details-cancelled');
  });

  it('finds a finished sync with the state filter, which the URL keeps across a reload', async () => {
    await nav('Accounts').click();
    const card = page.getByTestId('account-card').first();
    await card.getByRole('button', { name: 'Sync now' }).click();
    await card.getByRole('progressbar').waitFor();
    await card.getByRole('progressbar').waitFor({ state: 'detached', timeout: 150_000 });

    await nav('Jobs').click();
    await page.getByLabel('Show').selectOption('succeeded');
    await page.waitForURL(/\/jobs\?state=succeeded$/);
    await page.reload();
    expect(await page.getByLabel('Show').inputValue()).toBe('succeeded');
    const rows = page.getByTestId('job-row');
    await rows.first().getByText('Succeeded', { exact: true }).waitFor();
    expect(await rows.count()).toBe(1);

    await page.getByLabel('Show').selectOption('cancelled');
    await page.waitForURL(/\/jobs\?state=cancelled$/);
    await rows.first().getByText('Cancelled', { exact: true }).waitFor();
    expect(await rows.count()).toBe(1);

    await page.getByLabel('Show').selectOption('succeeded');
    await rows.first().getByRole('link').click();
    await page.getByTestId('job-status').getByText('Succeeded').waitFor();
    const items = page.getByTestId('job-item');
    expect(await items.count()).toBeGreaterThan(300);
    const calls = page.getByRole('heading', { name: 'Spotify calls' }).locator('..');
    const callCount = await calls.locator('dt', { hasText: 'Calls' }).locator('+ dd').textContent();
    expect(Number((callCount ?? '').replace(/\D/g, ''))).toBeGreaterThan(300);
    await shot('details-succeeded');

    await page.getByRole('link', { name: 'All jobs' }).click();
    await page.waitForURL(/\/jobs\?state=succeeded$/);
    expect(pageErrors).toEqual([]);
  });
});
