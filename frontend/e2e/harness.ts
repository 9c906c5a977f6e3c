// Starts the Spotify emulator and `plm serve` on loopback ports in a temporary directory, with a
// fresh database and an admin user, and a headless Chromium with a fresh profile.
//
// Environment: PLM_BIN, PLM_EMULATOR_BIN (the binaries), CHROMIUM_PATH (default /usr/bin/chromium),
// PLM_E2E_AUTO_APPROVE=1 (skip the consent page), PLM_E2E_LATENCY_MS (emulator latency per call,
// default 2, so the sync progress is visible), PLM_E2E_KEEP=1 (keep the work directory),
// PLM_E2E_HEADED=1 (show the browser), PLM_E2E_EMULATOR_PROFILE=realistic with
// PLM_E2E_EMULATOR_SEED=N (default 1): Spotify's unkind side (rate budget, latency 40-150 ms,
// occasional 5xx, growing penalties; docs/emulator.md), replayable by its seed; plm then keeps to a
// rate budget below the emulator's, as it must against Spotify.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The emulator's profile for this run: "default" (kind) or "realistic" (docs/emulator.md). */
export const emulatorProfile = process.env.PLM_E2E_EMULATOR_PROFILE || 'default';
/** Seeds the realistic profile's faults: the same seed replays the same faults. */
export const emulatorSeed = process.env.PLM_E2E_EMULATOR_SEED || '1';
const realistic = emulatorProfile === 'realistic';
if (!['default', 'realistic'].includes(emulatorProfile))
  throw new Error(`PLM_E2E_EMULATOR_PROFILE must be default or realistic, not ${emulatorProfile}`);
/**
 * plm's own budget per 30 s. Against the realistic emulator (240 Web API calls per 30 s) it stays
 * below: plm counts a call from when its answer arrived, never earlier than the emulator counted
 * it, so its window covers the emulator's and the 10 calls to spare are margin only.
 */
const plmRateBudget = realistic ? '230' : '100000';

/** Screenshots; a realistic run keeps its own, so a second run does not wipe the first one's. */
export const artifactsDir = join(
  frontendDir,
  'e2e',
  realistic ? 'artifacts-realistic' : 'artifacts',
);

const plmBin = resolve(frontendDir, process.env.PLM_BIN ?? '../build/release/programs/plm/plm');
const emulatorBin = resolve(
  frontendDir,
  process.env.PLM_EMULATOR_BIN ?? '../build/release/tools/spotify-emulator/spotify-emulator',
);
const CLIENT_ID = 'plm-e2e';

export interface Stack {
  appUrl: string;
  emulatorUrl: string;
  username: string;
  password: string;
  workDir: string;
  /** The tail of the servers' logs, for failure messages. */
  logs(): string;
  /** The one-time setup code `plm serve` logged (only when started without a user). */
  setupCode(): string | null;
  stop(): Promise<void>;
}

/** A free loopback port (the public URL must be known before `plm serve` starts). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `file` holds a port number, failing early if `proc` exits. */
async function waitForPortFile(file: string, proc: ChildProcess, what: string): Promise<number> {
  let failure: Error | null = null;
  proc.once('error', (e) => (failure = e));
  for (let i = 0; i < 600; i++) {
    if (failure) throw new Error(`${what} could not start: ${(failure as Error).message}`);
    if (proc.exitCode !== null)
      throw new Error(`${what} exited during start-up (${proc.exitCode})`);
    if (existsSync(file)) {
      const port = Number(readFileSync(file, 'utf8').trim());
      if (port > 0) return port;
    }
    await sleep(50);
  }
  throw new Error(`${what} did not start within 30 s`);
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${url} did not answer`);
}

/** The environment for plm: none of the caller's PLM_* settings, only ours. */
function plmEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PLM_')) env[k] = v;
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolveRun(output)
        : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}\n${output}`)),
    );
    child.stdin.end(stdin);
  });
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const timeout = sleep(5000).then(() => 'timeout' as const);
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    proc.kill('SIGKILL');
    await exited;
  }
}

export interface StackOptions {
  /** Create the admin user with the CLI before serving (default); false leaves setup to the browser. */
  createUser?: boolean;
  /** Emulator latency per call in ms (default PLM_E2E_LATENCY_MS, else 2): slower syncs to watch. */
  latencyMs?: number;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  for (const [bin, name] of [
    [plmBin, 'PLM_BIN'],
    [emulatorBin, 'PLM_EMULATOR_BIN'],
  ] as const) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build the C++ tree or set ${name}`);
  }
  const dist = join(frontendDir, 'dist');
  if (!existsSync(join(dist, 'index.html')))
    throw new Error('frontend/dist is missing: run npm run build');

  const workDir = mkdtempSync(join(tmpdir(), 'plm-e2e-'));
  const logFile = join(workDir, 'servers.log');
  const log = createWriteStream(logFile);
  const procs: ChildProcess[] = [];

  const stop = async () => {
    for (const p of procs.reverse()) await stopProcess(p);
    log.end();
    if (process.env.PLM_E2E_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
  };
  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const logs = () => readLog().split('\n').slice(-60).join('\n');
  const setupCode = () => /setup code (\S+)/.exec(readLog())?.[1] ?? null;

  try {
    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}/`;

    const emulatorArgs = [
      '--port',
      '0',
      '--port-file',
      join(workDir, 'emulator.port'),
      '--client-id',
      CLIENT_ID,
      '--redirect-uri',
      `${appUrl}api/spotify/callback`,
      // The realistic profile brings its own latency (40-150 ms).
      ...(realistic
        ? ['--profile', 'realistic', '--fault-seed', emulatorSeed]
        : ['--latency-ms', String(options.latencyMs ?? process.env.PLM_E2E_LATENCY_MS ?? '2')]),
    ];
    if (process.env.PLM_E2E_AUTO_APPROVE === '1') emulatorArgs.push('--auto-approve');
    const emulator = spawn(emulatorBin, emulatorArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(emulator);
    emulator.stdout!.pipe(log, { end: false });
    emulator.stderr!.pipe(log, { end: false });
    const emulatorPort = await waitForPortFile(
      join(workDir, 'emulator.port'),
      emulator,
      'spotify-emulator',
    );
    const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;

    const dataDir = join(workDir, 'data');
    mkdirSync(dataDir);
    const env = plmEnv({
      PLM_DATA_DIR: dataDir,
      PLM_SPOTIFY_CLIENT_ID: CLIENT_ID,
      PLM_SPOTIFY_API_URL: `${emulatorUrl}/v1`,
      PLM_SPOTIFY_ACCOUNTS_URL: emulatorUrl,
      PLM_SPOTIFY_RATE_BUDGET: plmRateBudget,
      PLM_PUBLIC_URL: appUrl,
      PLM_STATIC_DIR: dist,
    });

    const username = 'e2e-admin';
    const password = 'correct horse battery staple';
    if (options.createUser !== false) {
      await run(
        plmBin,
        ['user', 'add', username, '--role', 'admin', '--password-stdin'],
        env,
        `${password}\n`,
      );
    }

    const plm = spawn(
      plmBin,
      ['serve', '--listen', `127.0.0.1:${appPort}`, '--port-file', join(workDir, 'plm.port')],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    procs.push(plm);
    plm.stdout!.pipe(log, { end: false });
    plm.stderr!.pipe(log, { end: false });
    await waitForPortFile(join(workDir, 'plm.port'), plm, 'plm serve');
    await waitForHttp(`${appUrl}healthz`);

    return { appUrl, emulatorUrl, username, password, workDir, logs, setupCode, stop };
  } catch (e) {
    const tail = logs();
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- server logs ---\n${tail}`);
  }
}

/** Debian's chromium through playwright-core: a persistent context on a fresh profile. */
export async function launchBrowser(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'plm-e2e-profile-'));
  const headed = process.env.PLM_E2E_HEADED === '1';
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: !headed,
    viewport: { width: 1280, height: 860 },
    args: [
      ...(headed ? [] : ['--headless']),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  // Chromium's helper processes may still write to the profile for a moment after the close, so
  // remove it in the background with retries: a throw from this handler would crash the process.
  context.on('close', () => {
    rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }).catch(
      () => undefined,
    );
  });
  return context;
}

/**
 * Clicks "Connect a Spotify account" on the accounts page and approves on the emulator's consent
 * page (skipped when the emulator auto-approves). Ends back on the accounts page.
 */
export async function connectDemoAccount(
  page: Page,
  stack: Stack,
  onConsent?: () => Promise<void>,
): Promise<void> {
  const emulatorOrigin = new URL(stack.emulatorUrl).origin;
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout: 20_000,
  });
  await page.getByRole('button', { name: 'Connect a Spotify account' }).click();
  await navigated;
  await page.waitForLoadState();
  if (new URL(page.url()).origin === emulatorOrigin) {
    await page.locator('#approve').waitFor();
    await onConsent?.();
    await page.locator('#approve').click();
  }
  await page.waitForURL(
    (url) => url.origin !== emulatorOrigin && url.pathname.endsWith('/accounts'),
  );
  await page.getByTestId('account-card').first().waitFor();
}

/** Signs in through the login page as the stack's admin; ends on the playlists page. */
export async function signIn(page: Page, stack: Stack): Promise<void> {
  await page.goto(`${stack.appUrl}login`);
  await page.getByLabel('Username').fill(stack.username);
  await page.getByLabel('Password').fill(stack.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/playlists$/);
}

/**
 * The link to a playlist row's playlist: its name. A row holds other links ("Open … in
 * Spotify", whose name contains the playlist's), so a row's links are never looked up by a
 * partial name or as "the" link.
 */
export function playlistLink(row: Locator, name?: string): Locator {
  return name === undefined
    ? row.locator('a.pt-link')
    : row.getByRole('link', { name, exact: true });
}

/**
 * The page a spec drives: the context's first page, whose actions wait up to `timeout`, with its
 * uncaught errors collected in `errors` (each spec checks them at its end).
 */
export async function openPage(
  context: BrowserContext,
  errors: string[],
  timeout = 20_000,
): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (e) => errors.push(String(e)));
  return page;
}

/** Replaces the emulator's users and playlists (`POST /__emulator/seed`, SEED_FORMAT.md). */
export async function seedEmulator(stack: Stack, seed: unknown): Promise<void> {
  const seeded = await fetch(`${stack.emulatorUrl}/__emulator/seed`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(seed),
  });
  if (!seeded.ok) throw new Error(`seeding the emulator: ${seeded.status} ${await seeded.text()}`);
}

/**
 * Signs in, connects the demo account and syncs it with its card's "Sync now"; ends on the
 * accounts page once the sync is done (the button is back).
 */
export async function signInConnectAndSync(
  page: Page,
  stack: Stack,
  syncTimeout = 60_000,
): Promise<void> {
  await signIn(page, stack);
  await page.goto(`${stack.appUrl}accounts`);
  await connectDemoAccount(page, stack);
  const card = page.getByTestId('account-card').first();
  await card.getByRole('button', { name: 'Sync now' }).click();
  await card.getByRole('button', { name: 'Sync now' }).waitFor({ timeout: syncTimeout });
}

/** For afterEach: when the test failed, a screenshot named after it and the servers' logs. */
export async function reportFailure(
  ctx: { task: { name: string; result?: { state?: string } } },
  page: Page | undefined,
  stack: Stack | undefined,
  shot: (name: string) => Promise<void>,
): Promise<void> {
  if (ctx.task.result?.state !== 'fail' || !page) return;
  await shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
  console.error(`--- server logs ---\n${stack?.logs()}`);
}
