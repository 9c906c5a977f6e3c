// Time to interactive of the two heavy pages, in Debian's chromium through playwright-core (a
// 1366x900 window): the 10,000-track playlist page and the playlists page (the demo account's 330
// playlists, or `--playlists N`: the emulator is seeded with N before the account is connected).
//
// Reuses the end-to-end harness: the Spotify emulator and `plm serve` on loopback ports, an admin
// user, the demo account `demo-pro` connected (auto-approved consent) and synced. Then, for every
// run, a fresh page (HTTP cache disabled through CDP, so every run loads everything over the
// network; `--warm` keeps the cache) navigates straight to the page's URL, and init scripts
// (registered before navigation) record, in ms from navigation start:
//   first row      the frame in which the first row first intersects the viewport (clipped by its
//                  scroll area): IntersectionObserver entry.time, so no layout is forced;
//   TTI            the classic definition: from the first row on, the start of the first 500 ms
//                  window without a long task (PerformanceObserver 'longtask', > 50 ms), i.e. the
//                  end of the last long task before that window, or the first row if none;
//   longest task   and total blocking time (sum of each long task's time beyond 50 ms), from
//                  navigation start to TTI;
//   API            the end of the last API response, and the largest one (resource timing);
// and, on the playlist page, after TTI:
//   End key        from the keydown (event.timeStamp) to the frame showing the row of position
//                  10,000 (Chromium scrolls smoothly: the last scroll event is reported too);
//   scrollTop=max  the same without the keyboard (scrolled back to the top first);
//   rows in DOM    role=row elements in the track table after the scroll (header included), and
//                  all elements of the document;
//   heap           CDP Performance.getMetrics JSHeapUsedSize, then again after a forced GC;
// and, on the playlists page, after TTI (each "to painted" ends in the first task after the frame
// that shows the change: a MutationObserver sees it, requestAnimationFrame then a timeout):
//   DOM / tab stops all elements of the document; the elements Tab reaches (visible, tabIndex >= 0);
//   search key     the last letter of a playlist's name far down the list typed into the search (the
//                  rest typed before), from its keydown to the list showing it painted;
//   clear search   Ctrl+A, Backspace in the search, from the Backspace to the full list painted;
//   sort           Enter on the Tracks column's button, from the keydown to the sorted rows painted;
//   filter         the Visibility filter set to Private (a change event), to the rows painted;
//   scroll fps     the list scrolled 40 px a frame for 2 s (requestAnimationFrame): frames a second,
//                  and the longest frame.
//
// Usage (from frontend/, after `npm run build`):
//   npm run --silent bench:tti -- [--runs N] [--throttle RATE] [--warm] [--playlists N]
//                                 [--profile DIR] [--json FILE]
// --throttle RATE adds a variant with CDP Emulation.setCPUThrottlingRate (4 mimics a slower laptop);
// --profile DIR loads each page once more, at the highest --throttle rate, with a CDP trace
// (DIR/<page>.trace.json, for the DevTools Performance panel) and a CPU profile
// (DIR/<page>.cpuprofile) running through the load and the scroll, and prints what each task over
// 50 ms did (self time by trace event) and the functions with the most self time (minified names:
// build with --sourcemap to map them). Both profilers slow the page down: not for the figures.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { connectDemoAccount, frontendDir, launchBrowser, startStack, type Stack } from '../harness';

const QUIET_MS = 500;
const LONG_TASK_MS = 50;
const BIG = 10_000;
const VIEWPORT = { width: 1366, height: 900 };
/** The demo account's playlists in the emulator's default seed (320 generated, the big one, 9 followed). */
const DEMO_PLAYLISTS = 330;

interface Options {
  runs: number;
  throttles: number[];
  warm: boolean;
  /** Seed the demo account with this many playlists (null: the default seed's 330). */
  playlists: number | null;
  profileDir: string | null;
  jsonFile: string | null;
  /** Measure only this page ("playlist": the 10,000-track one; "playlists"); null: both. */
  page: 'playlist' | 'playlists' | null;
}

interface LongTask {
  start: number;
  duration: number;
}

interface Mark {
  dom: number;
  visible: number;
}

interface BenchState {
  longTasks: LongTask[];
  marks: Record<string, Mark>;
  keydown?: number;
  /** event.timeStamp of the last scroll event (any element). */
  lastScroll?: number;
  watch(name: string, selector: string): void;
  /** Resolves with the time after the first frame painted in which `selector` matches an element
   * whose text contains `text` (and not `notText`). */
  painted(selector: string, text?: string, notText?: string): Promise<number>;
}

declare global {
  interface Window {
    __bench: BenchState;
  }
}

/** One measured page load (and, for the playlist page, the scroll). Times in ms from navigation. */
interface Run {
  firstRowDom: number;
  firstRow: number;
  tti: number;
  longestTask: number;
  tbt: number;
  longTasks: number;
  fcp: number | null;
  bytes: number;
  /** What the document, its JS and CSS took on the wire (headers included). */
  shellBytes: number;
  requests: number;
  /** The end of the last API response (the event stream aside), read at TTI. */
  apiDone: number;
  /** The largest API response: its path, fetch() to response end, encoded and decoded bytes. */
  bigApi: string;
  bigApiMs: number;
  bigApiBytes: number;
  bigApiDecoded: number;
  endKeyScrollEnd?: number;
  endKey?: number;
  scrollMax?: number;
  scrollLongestTask?: number;
  rowsInDom?: number;
  domNodes?: number;
  heapUsed?: number;
  heapAfterGc?: number;
  listDomNodes?: number;
  tabStops?: number;
  searchKey?: number;
  clearSearch?: number;
  sortKey?: number;
  filterChange?: number;
  scrollFps?: number;
  longestFrame?: number;
}

interface Target {
  key: string;
  label: string;
  url: string;
  /** The first row's selector. */
  firstRow: string;
  /** Measure the scroll to the end (the playlist page). */
  scroll: boolean;
  /** Measure search, sort, filter and scrolling (the playlists page): a name to search for. */
  searchFor?: string;
}

function usage(): never {
  console.log(
    'usage: npm run --silent bench:tti -- [--runs N] [--throttle RATE] [--warm] [--playlists N] [--page playlist|playlists] [--profile DIR] [--json FILE]',
  );
  process.exit(0);
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    runs: 5,
    throttles: [1],
    warm: false,
    playlists: null,
    profileDir: null,
    jsonFile: null,
    page: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--throttle') {
      const rate = Number(value());
      if (!(rate >= 1)) throw new Error('--throttle needs a rate >= 1');
      if (rate > 1) options.throttles.push(rate);
    } else if (arg === '--warm') options.warm = true;
    else if (arg === '--playlists') {
      options.playlists = Number(value());
      if (!Number.isInteger(options.playlists) || options.playlists < DEMO_PLAYLISTS)
        throw new Error(`--playlists needs a whole number >= ${DEMO_PLAYLISTS}`);
    } else if (arg === '--profile') options.profileDir = resolve(value());
    else if (arg === '--json') options.jsonFile = resolve(value());
    else if (arg === '--page') {
      const page = value();
      if (page !== 'playlist' && page !== 'playlists')
        throw new Error('--page is playlist (the 10,000-track page) or playlists');
      options.page = page;
    } else if (arg === '-h' || arg === '--help') usage();
    else throw new Error(`unknown option ${arg} (see --help)`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1)
    throw new Error('--runs needs a positive integer');
  return options;
}

// ---------------------------------------------------------------------------------------------
// In the page (registered with addInitScript, so it runs before the app's own scripts).

function instrument(): void {
  const state: BenchState = { longTasks: [], marks: {}, watch, painted };
  window.__bench = state;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      state.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  addEventListener('keydown', (e) => (state.keydown = e.timeStamp), true);
  addEventListener('scroll', (e) => (state.lastScroll = e.timeStamp), true);

  /**
   * Records marks[name]: `dom` when an element matching `selector` is first in the document, and
   * `visible` at the frame in which it first intersects the viewport (clipped by its scroll
   * container). An IntersectionObserver computes that during the frame's rendering, so the
   * measurement forces no layout of its own.
   */
  function watch(name: string, selector: string): void {
    let target: Element | null = null;
    let dom = 0;
    const io = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting || entry.target !== target || state.marks[name]) continue;
        state.marks[name] = { dom, visible: entry.time };
        io.disconnect();
        mo.disconnect();
      }
    });
    const check = () => {
      const el = document.querySelector(selector);
      if (!el || el === target) return;
      if (target) io.unobserve(target);
      else dom = performance.now();
      target = el;
      io.observe(el);
    };
    const mo = new MutationObserver(check);
    mo.observe(document, { subtree: true, childList: true });
    check();
  }

  function painted(selector: string, text?: string, notText?: string): Promise<number> {
    return new Promise((resolve) => {
      const matches = () =>
        [...document.querySelectorAll(selector)].some((el) => {
          const t = el.textContent ?? '';
          return (
            (text === undefined || t.includes(text)) &&
            (notText === undefined || !t.includes(notText))
          );
        });
      const done = () =>
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
      if (matches()) return done();
      const mo = new MutationObserver(() => {
        if (!matches()) return;
        mo.disconnect();
        done();
      });
      mo.observe(document, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// In node.

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The start of the first QUIET_MS window from `from` on that no long task starts in. */
export function interactiveAt(from: number, tasks: readonly LongTask[]): number {
  let t = from;
  for (const task of [...tasks].sort((a, b) => a.start - b.start)) {
    const end = task.start + task.duration;
    if (end <= t) continue;
    if (task.start >= t + QUIET_MS) break;
    t = end;
  }
  return t;
}

/** Polls the page until `name` was visible; returns the mark. */
async function waitForMark(page: Page, name: string, timeoutMs: number): Promise<Mark> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mark = await page.evaluate((n) => window.__bench?.marks[n], name);
    if (mark) return mark;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} on ${page.url()}`);
    await sleep(20);
  }
}

/** Waits for the first row and then for QUIET_MS without a long task; returns the load figures. */
async function waitForInteractive(page: Page, timeoutMs: number): Promise<Run> {
  const first = await waitForMark(page, 'first', timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { now, tasks } = await page.evaluate(() => ({
      now: performance.now(),
      tasks: window.__bench.longTasks,
    }));
    const tti = interactiveAt(first.visible, tasks);
    // 100 ms of slack: long-task entries reach the observer a little after the task ends.
    if (now >= tti + QUIET_MS + 100) {
      const before = tasks.filter((t) => t.start + t.duration <= tti);
      const extra = await page.evaluate(() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        const nav = performance.getEntriesByType('navigation') as PerformanceResourceTiming[];
        const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const all = [...nav, ...res];
        const api = res
          .filter((e) => /\/api\//.test(e.name) && !/\/api\/events/.test(e.name))
          .sort((a, b) => b.decodedBodySize - a.decodedBodySize);
        const big = api[0];
        return {
          fcp: fcp ? fcp.startTime : null,
          bytes: all.reduce((s, e) => s + e.transferSize, 0),
          shellBytes: [...nav, ...res.filter((e) => /\/assets\//.test(e.name))].reduce(
            (s, e) => s + e.transferSize,
            0,
          ),
          requests: all.length,
          apiDone: Math.max(0, ...api.map((e) => e.responseEnd)),
          bigApi: big ? new URL(big.name).pathname.replace(/^.*\/api\//, 'api/') : '',
          bigApiMs: big ? big.responseEnd - big.startTime : 0,
          bigApiBytes: big?.encodedBodySize ?? 0,
          bigApiDecoded: big?.decodedBodySize ?? 0,
        };
      });
      return {
        firstRowDom: first.dom,
        firstRow: first.visible,
        tti,
        longestTask: Math.max(0, ...before.map((t) => t.duration)),
        tbt: before.reduce((s, t) => s + Math.max(0, t.duration - LONG_TASK_MS), 0),
        longTasks: before.length,
        ...extra,
      };
    }
    if (Date.now() > deadline) throw new Error(`no quiet window on ${page.url()}`);
    await sleep(100);
  }
}

const LAST_ROW = `[data-testid=track-table] [role=row][aria-rowindex="${BIG + 1}"]`;

/** On the loaded playlist page: End key, then scrollTop = max, each until the last row is visible. */
async function measureScroll(page: Page, cdp: CDPSession, run: Run): Promise<void> {
  const table = page.getByTestId('track-table');
  const tasksBefore = await page.evaluate(() => window.__bench.longTasks.length);

  await table.focus();
  await page.evaluate(
    ([sel]) => {
      window.__bench.keydown = undefined;
      window.__bench.watch('end-key', sel!);
    },
    [LAST_ROW],
  );
  await page.keyboard.press('End');
  const endKey = await waitForMark(page, 'end-key', 30_000);
  await sleep(300); // until the smooth scroll is surely over
  const { keydown, lastScroll } = await page.evaluate(() => window.__bench);
  if (keydown === undefined) throw new Error('the End keydown was not seen');
  run.endKey = endKey.visible - keydown;
  run.endKeyScrollEnd = (lastScroll ?? keydown) - keydown;

  // Back to the top, until the last row has left the DOM; then scrollTop = max in one task.
  await page.evaluate(() => {
    document.querySelector('[data-testid=track-table]')!.scrollTop = 0;
  });
  await page.waitForFunction((sel) => document.querySelector(sel) === null, LAST_ROW);
  await sleep(100);
  const start = await page.evaluate(
    ([sel]) => {
      const el = document.querySelector('[data-testid=track-table]')!;
      window.__bench.watch('end-set', sel!);
      const t = performance.now();
      el.scrollTop = el.scrollHeight;
      return t;
    },
    [LAST_ROW],
  );
  const endSet = await waitForMark(page, 'end-set', 30_000);
  run.scrollMax = endSet.visible - start;
  await sleep(200);
  const scrollTasks = await page.evaluate(
    (n) => window.__bench.longTasks.slice(n).map((t) => t.duration),
    tasksBefore,
  );
  run.scrollLongestTask = Math.max(0, ...scrollTasks);
  run.rowsInDom = await page.evaluate(
    () => document.querySelectorAll('[data-testid=track-table] [role=row]').length,
  );
  run.domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);

  const metric = async (name: string) => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === name)?.value ?? NaN;
  };
  run.heapUsed = await metric('JSHeapUsedSize');
  await cdp.send('HeapProfiler.collectGarbage');
  run.heapAfterGc = await metric('JSHeapUsedSize');
}

const COUNT = '[data-testid=result-count]';

/** On the loaded playlists page: DOM size, tab stops, then search, sort, filter and scrolling. */
async function measureList(page: Page, target: Target, run: Run): Promise<void> {
  const counts = await page.evaluate(() => {
    const focusable = document.querySelectorAll<HTMLElement>(
      'a[href], button, input, select, textarea, [tabindex]',
    );
    const tabStops = [...focusable].filter(
      (el) =>
        el.tabIndex >= 0 &&
        !(el as HTMLButtonElement).disabled &&
        el.getClientRects().length > 0 &&
        getComputedStyle(el).visibility !== 'hidden',
    ).length;
    return { nodes: document.getElementsByTagName('*').length, tabStops };
  });
  run.listDomNodes = counts.nodes;
  run.tabStops = counts.tabStops;

  // Key press to painted: the promise is set up in the page first, then the key goes in.
  const afterKey = async (
    selector: string,
    press: () => Promise<void>,
    text?: string,
    notText?: string,
  ) => {
    await page.evaluate(
      ([sel, t, n]) => {
        window.__bench.keydown = undefined;
        (window as unknown as { __until: Promise<number> }).__until = window.__bench.painted(
          sel!,
          t ?? undefined,
          n ?? undefined,
        );
      },
      [selector, text ?? null, notText ?? null],
    );
    await press();
    const end = await page.evaluate(
      () => (window as unknown as { __until: Promise<number> }).__until,
    );
    const keydown = await page.evaluate(() => window.__bench.keydown);
    if (keydown === undefined) throw new Error('the keydown was not seen');
    await sleep(300);
    return end - keydown;
  };

  const name = target.searchFor!;
  const search = page.locator('#pl-search');
  await search.focus();
  await search.fill(name.slice(0, -1));
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.textContent?.includes('Showing'),
    COUNT,
  );
  await sleep(300);
  // The result count and the rows change in the same render.
  run.searchKey = await afterKey(COUNT, () => page.keyboard.type(name.slice(-1)), 'Showing 1 of');
  run.clearSearch = await afterKey(
    COUNT,
    async () => {
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
    },
    ' playlists',
    'Showing',
  );
  await page.getByRole('button', { name: /^Tracks/ }).focus();
  run.sortKey = await afterKey('.pt-tracks[aria-sort=descending]', () =>
    page.keyboard.press('Enter'),
  );

  const filterStart = await page.evaluate(() => {
    (window as unknown as { __until: Promise<number> }).__until = window.__bench.painted(
      '[data-testid=result-count]',
      'Showing',
    );
    const select = document.querySelector<HTMLSelectElement>('#pl-visibility')!;
    const t = performance.now();
    select.value = 'private';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    return t;
  });
  run.filterChange =
    (await page.evaluate(() => (window as unknown as { __until: Promise<number> }).__until)) -
    filterStart;
  await page.evaluate(() => {
    const select = document.querySelector<HTMLSelectElement>('#pl-visibility')!;
    select.value = 'all';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction(
    (sel) => !document.querySelector(sel)?.textContent?.includes('Showing'),
    COUNT,
  );
  await sleep(300);

  const frames = await page.evaluate(
    () =>
      new Promise<{ fps: number; longest: number }>((resolve) => {
        const el = document.querySelector<HTMLElement>('[data-testid=playlist-table]')!;
        const start = performance.now();
        let last = start;
        let count = 0;
        let longest = 0;
        const step = (t: number) => {
          longest = Math.max(longest, t - last);
          last = t;
          count++;
          el.scrollTop += 40;
          if (t - start < 2000) requestAnimationFrame(step);
          else resolve({ fps: (count * 1000) / (t - start), longest });
        };
        requestAnimationFrame((t) => {
          last = t;
          requestAnimationFrame(step);
        });
      }),
  );
  run.scrollFps = frames.fps;
  run.longestFrame = frames.longest;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The functions with the most self time in a CPU profile, as printable lines. */
function topSelfTime(profile: CpuProfile, limit = 15): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') return;
    const file = f.url ? f.url.replace(/^.*\//, '') : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [
    `    busy ${total.toFixed(0)} ms (idle excluded); self time by function:`,
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([k, v]) => `    ${v.toFixed(1).padStart(8)} ms  ${k}`),
  ];
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: Record<string, unknown> };
}

const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
  'loading',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.gc',
];

/** Ends a CDP trace, saves it (it opens in the DevTools Performance panel) and returns its events. */
async function endTrace(cdp: CDPSession, file: string): Promise<TraceEvent[]> {
  const complete = new Promise<string>((r) =>
    cdp.once('Tracing.tracingComplete', (e) => r(e.stream!)),
  );
  await cdp.send('Tracing.end');
  const handle = await complete;
  const chunks: Buffer[] = [];
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle, size: 1 << 20 });
    chunks.push(Buffer.from(chunk.data, chunk.base64Encoded ? 'base64' : 'utf8'));
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle });
  const text = Buffer.concat(chunks).toString('utf8');
  writeFileSync(file, text);
  const parsed = JSON.parse(text) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/** What the renderer's main thread did in each task over 50 ms: self time by trace event. */
function describeLongTasks(events: TraceEvent[], url: string): string[] {
  const nav = events
    .filter((e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL === url)
    .pop();
  if (!nav) return ['    (no navigationStart for the page in the trace)'];
  const thread = events.filter(
    (e) => e.pid === nav.pid && e.tid === nav.tid && e.ph === 'X' && e.dur !== undefined,
  );
  thread.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const isTask = (e: TraceEvent) =>
    e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask';
  const tasks: TraceEvent[] = [];
  for (const e of thread) if (isTask(e) && !tasks.some((t) => e.ts < t.ts + t.dur!)) tasks.push(e);
  const lines: string[] = [];
  const where = (e: TraceEvent) => {
    const d = e.args?.data ?? {};
    const file = String(d.url ?? '').replace(/^.*\//, '');
    const fn = d.functionName ? String(d.functionName) : '';
    return file || fn
      ? ` [${fn || '(anonymous)'} ${file}:${d.lineNumber ?? '?'}:${d.columnNumber ?? '?'}]`
      : '';
  };
  for (const task of tasks) {
    if (task.dur! <= LONG_TASK_MS * 1000) continue;
    const end = task.ts + task.dur!;
    const inside = thread.filter((e) => e !== task && !isTask(e) && e.ts >= task.ts && e.ts < end);
    // Self time: each event's duration minus its direct children's.
    const self = new Map<string, number>();
    const stack: { e: TraceEvent; child: number }[] = [];
    const pop = () => {
      const top = stack.pop()!;
      const key =
        top.e.name +
        (top.e.name === 'FunctionCall' || top.e.name === 'EvaluateScript' ? where(top.e) : '');
      self.set(key, (self.get(key) ?? 0) + top.e.dur! - top.child);
    };
    let covered = 0;
    for (const e of inside) {
      while (
        stack.length &&
        e.ts >= stack[stack.length - 1]!.e.ts + stack[stack.length - 1]!.e.dur!
      )
        pop();
      if (stack.length) stack[stack.length - 1]!.child += e.dur!;
      else covered += e.dur!;
      stack.push({ e, child: 0 });
    }
    while (stack.length) pop();
    self.set('(other)', task.dur! - covered);
    const parts = [...self.entries()]
      .filter(([, v]) => v >= 1000)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} ms`);
    lines.push(
      `    task at ${((task.ts - nav.ts) / 1000).toFixed(0)} ms, ${(task.dur! / 1000).toFixed(0)} ms: ${parts.join('; ')}`,
    );
  }
  return lines.length ? lines : ['    no main-thread task over 50 ms'];
}

async function measure(
  context: BrowserContext,
  target: Target,
  throttle: number,
  options: Options,
  profileFile?: string,
): Promise<Run> {
  const page = await context.newPage();
  try {
    await page.setViewportSize(VIEWPORT);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: !options.warm });
    await cdp.send('Performance.enable');
    if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await page.addInitScript(instrument);
    await page.addInitScript((sel) => window.__bench.watch('first', sel), target.firstRow);
    if (profileFile) {
      await cdp.send('Tracing.start', {
        transferMode: 'ReturnAsStream',
        traceConfig: { includedCategories: TRACE_CATEGORIES },
      });
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    await page.goto(target.url, { waitUntil: 'commit' });
    const run = await waitForInteractive(page, 60_000 * throttle);
    if (!page.url().endsWith(target.url.slice(target.url.lastIndexOf('/'))))
      throw new Error(`ended on ${page.url()} instead of ${target.url}`);
    if (target.scroll) await measureScroll(page, cdp, run);
    if (target.searchFor) await measureList(page, target, run);
    if (profileFile) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(`${profileFile}.cpuprofile`, JSON.stringify(profile));
      const events = await endTrace(cdp, `${profileFile}.trace.json`);
      console.log(
        `profile of ${target.label}, CPU ${throttle}x (TTI ${ms(run.tti)}, longest task ` +
          `${ms(run.longestTask)}): ${profileFile}.trace.json, ${profileFile}.cpuprofile`,
      );
      for (const line of describeLongTasks(events, target.url)) console.log(line);
      for (const line of topSelfTime(profile as unknown as CpuProfile)) console.log(line);
    }
    return run;
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Set-up: sign in, connect, sync, find the big playlist.

/** Replaces the emulator's users and playlists: the default seed with `total` demo playlists. */
async function seedPlaylists(stack: Stack, context: BrowserContext, total: number): Promise<void> {
  const file = resolve(frontendDir, '../tools/spotify-emulator/catalog/seeds/default.json');
  const seed = JSON.parse(readFileSync(file, 'utf8')) as {
    users: { id: string; generate?: { count: number } }[];
  };
  const demo = seed.users.find((u) => u.id === 'demo-pro')!;
  demo.generate!.count += total - DEMO_PLAYLISTS;
  const res = await context.request.post(`${stack.emulatorUrl}/__emulator/seed`, { data: seed });
  if (!res.ok()) throw new Error(`seed: ${res.status()} ${await res.text()}`);
}

async function prepare(stack: Stack, context: BrowserContext, options: Options): Promise<Target[]> {
  const base = stack.appUrl;
  if (options.playlists !== null) await seedPlaylists(stack, context, options.playlists);
  const signIn = await context.request.post(`${base}api/session`, {
    data: { username: stack.username, password: stack.password },
  });
  if (!signIn.ok()) throw new Error(`sign-in: ${signIn.status()} ${await signIn.text()}`);
  const csrf = ((await signIn.json()) as { csrf_token: string }).csrf_token;

  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  await page.goto(`${base}accounts`);
  await page.getByRole('heading', { name: 'Spotify accounts' }).waitFor();
  await connectDemoAccount(page, stack);
  await page.goto('about:blank');

  const getJson = async <T>(path: string): Promise<T> => {
    const res = await context.request.get(`${base}${path}`);
    if (!res.ok()) throw new Error(`GET ${path}: ${res.status()}`);
    return (await res.json()) as T;
  };
  const { accounts } = await getJson<{ accounts: { id: number }[] }>('api/accounts');
  const accountId = accounts[0]!.id;
  const started = Date.now();
  const res = await context.request.post(`${base}api/accounts/${accountId}/sync`, {
    headers: { 'X-CSRF-Token': csrf },
  });
  if (res.status() !== 202) throw new Error(`sync: ${res.status()} ${await res.text()}`);
  type JobSummary = { id: string; state: string; message: string };
  let job = (await res.json()) as JobSummary;
  while (['queued', 'running', 'interrupted'].includes(job.state)) {
    await sleep(250);
    job = (await getJson<{ job: JobSummary }>(`api/jobs/${encodeURIComponent(job.id)}`)).job;
  }
  if (job.state !== 'succeeded') throw new Error(`sync ended ${job.state}: ${job.message}`);
  console.log(
    `set-up: demo-pro connected and synced in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const list = await getJson<{
    total: number;
    playlists: {
      account_id: number;
      id: string;
      name: string;
      track_count: number;
      stored_track_count: number;
    }[];
  }>('api/playlists');
  // A name far down the list (in name order) that no other name contains, while the name without
  // its last letter is in others too (so the last key narrows the list to one playlist).
  const names = list.playlists.map((p) => p.name.toLowerCase()).sort((a, b) => a.localeCompare(b));
  const containing = (text: string) => names.filter((m) => m.includes(text)).length;
  const searchFor = names
    .slice(Math.floor(names.length * 0.8))
    .find((n) => n.length > 3 && containing(n) === 1 && containing(n.slice(0, -1)) > 1);
  if (!searchFor) throw new Error('no playlist name to search for');
  const big = list.playlists.find((p) => p.track_count === BIG);
  if (!big) throw new Error(`no playlist with ${BIG} tracks among ${list.total}`);
  if (big.stored_track_count !== BIG)
    throw new Error(`the big playlist holds ${big.stored_track_count} tracks`);
  console.log(`set-up: ${list.total} playlists; the ${BIG}-track one is ${big.id}`);
  const targets: Target[] = [
    {
      key: 'playlist',
      label: `${BIG.toLocaleString('en')}-track playlist page`,
      url: `${base}playlists/${big.account_id}/${encodeURIComponent(big.id)}`,
      firstRow: '[data-testid=track-table] [role=row][aria-rowindex="2"]',
      scroll: true,
    },
    {
      key: 'playlists',
      label: `playlists page (${list.total})`,
      url: `${base}playlists`,
      firstRow: '[data-testid=playlist-row]',
      scroll: false,
      searchFor,
    },
  ];
  return targets.filter((t) => options.page === null || t.key === options.page);
}

// ---------------------------------------------------------------------------------------------
// Report.

const ms = (v: number) => `${Math.round(v)} ms`;
const mb = (v: number) => `${(v / 1024 / 1024).toFixed(1)} MB`;
const kb = (v: number) => `${(v / 1024).toFixed(1)} kB`;
const int = (v: number) => `${Math.round(v)}`;

const metrics: [keyof Run, string, (v: number) => string][] = [
  ['firstRow', 'first row visible', ms],
  ['tti', 'interactive (TTI)', ms],
  ['longestTask', 'longest task to TTI', ms],
  ['tbt', 'total blocking time to TTI', ms],
  ['longTasks', 'long tasks to TTI', int],
  ['fcp', 'first contentful paint', ms],
  ['bytes', 'bytes transferred', kb],
  ['shellBytes', 'bytes transferred for index.html, JS, CSS', kb],
  ['requests', 'requests', int],
  ['apiDone', 'last API response end', ms],
  ['bigApiMs', 'largest API response, fetch to end', ms],
  ['bigApiBytes', 'largest API response, bytes transferred', kb],
  ['bigApiDecoded', 'largest API response, decoded', kb],
  ['endKey', 'End key to last row', ms],
  ['endKeyScrollEnd', 'End key to last scroll event', ms],
  ['scrollMax', 'scrollTop=max to last row', ms],
  ['scrollLongestTask', 'longest task while scrolling', ms],
  ['rowsInDom', 'rows in DOM after scroll', int],
  ['domNodes', 'elements in the document after scroll', int],
  ['heapUsed', 'JS heap used', mb],
  ['heapAfterGc', 'JS heap used after GC', mb],
  ['listDomNodes', 'elements in the document after load', int],
  ['tabStops', 'tab stops', int],
  ['searchKey', 'search: last key to rows painted', ms],
  ['clearSearch', 'clear search: key to rows painted', ms],
  ['sortKey', 'sort: Enter to rows painted', ms],
  ['filterChange', 'filter: change to rows painted', ms],
  ['scrollFps', 'scrolling, frames a second', int],
  ['longestFrame', 'scrolling, longest frame', ms],
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function describeRun(run: Run): string {
  const parts = [
    `first row ${ms(run.firstRow)}`,
    `TTI ${ms(run.tti)}`,
    `longest task ${ms(run.longestTask)}`,
    `TBT ${ms(run.tbt)}`,
    `API done ${ms(run.apiDone)} (${run.bigApi}: ${kb(run.bigApiBytes)} in ${ms(run.bigApiMs)})`,
  ];
  if (run.endKey !== undefined)
    parts.push(
      `End ${ms(run.endKey)} (scrolling ${ms(run.endKeyScrollEnd!)})`,
      `scrollTop ${ms(run.scrollMax!)}`,
      `${run.rowsInDom} rows`,
      `heap ${mb(run.heapUsed!)} (${mb(run.heapAfterGc!)} after GC)`,
    );
  if (run.searchKey !== undefined)
    parts.push(
      `${run.listDomNodes} elements, ${run.tabStops} tab stops`,
      `search ${ms(run.searchKey)}, clear ${ms(run.clearSearch!)}, sort ${ms(run.sortKey!)}, filter ${ms(run.filterChange!)}`,
      `scroll ${int(run.scrollFps!)} fps (longest frame ${ms(run.longestFrame!)})`,
    );
  return parts.join(', ');
}

export async function main(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  process.env.PLM_E2E_AUTO_APPROVE ??= '1';
  const stack = await startStack();
  let context: BrowserContext | undefined;
  const results: Record<string, Run[]> = {};
  const labels: Record<string, string> = {};
  // Ctrl-C closes the browser, so whatever runs fails and the `finally` below stops the servers.
  let stopping = false;
  const interrupted = () => {
    stopping = true;
    void context?.close().catch(() => undefined);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    // playwright-core's own SIGINT handler closes the browser and exits at once, which would
    // leave the servers running: ours (above) takes its place.
    const before = new Set(process.listeners('SIGINT'));
    context = await launchBrowser();
    for (const l of process.listeners('SIGINT')) if (!before.has(l)) process.off('SIGINT', l);
    const targets = await prepare(stack, context, options);
    const cache = options.warm ? 'warm cache' : 'cache disabled';
    if (options.warm) for (const t of targets) await measure(context, t, 1, options);

    for (const throttle of options.throttles) {
      const cpu = throttle > 1 ? `CPU ${throttle}x slower` : 'CPU 1x';
      for (let i = 1; i <= options.runs; i++) {
        for (const target of targets) {
          const key = `${target.key}-cpu${throttle}`;
          labels[key] = `${target.label}, ${cpu}, ${cache}`;
          const run = await measure(context, target, throttle, options);
          (results[key] ??= []).push(run);
          console.log(`run ${i}/${options.runs} ${labels[key]}: ${describeRun(run)}`);
        }
      }
    }

    if (options.profileDir) {
      mkdirSync(options.profileDir, { recursive: true });
      const throttle = Math.max(...options.throttles);
      for (const target of targets)
        await measure(context, target, throttle, options, join(options.profileDir, target.key));
    }
  } catch (e) {
    if (stopping) throw new Error('interrupted');
    console.error(`--- server logs ---\n${stack.logs()}`);
    throw e;
  } finally {
    await context?.close().catch(() => undefined);
    await stack.stop();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }

  for (const [key, runs] of Object.entries(results)) {
    for (const [name, title, format] of metrics) {
      const values = runs.map((r) => r[name]).filter((v): v is number => typeof v === 'number');
      if (values.length === 0) continue;
      console.log(
        `RESULT ${labels[key]}: ${title}: median ${format(median(values))}, ` +
          `min ${format(Math.min(...values))}, max ${format(Math.max(...values))} (${values.length} runs)`,
      );
    }
  }
  if (options.jsonFile) {
    writeFileSync(options.jsonFile, JSON.stringify({ options, labels, results }, null, 2));
    console.log(`raw figures: ${options.jsonFile}`);
  }
}
