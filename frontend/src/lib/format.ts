// Pure formatting helpers. Locale-dependent ones take the locale so tests can pin it.

/** 215000 -> "3:35"; 3725000 -> "1:02:05". Negative or non-finite values give "0:00". */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.round(ms / 1000) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A long total such as a playlist's length: "42 min", "3 h 5 min". */
export function formatTotalDuration(ms: number): string {
  const minutes = Math.round(Math.max(0, ms) / 60000);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

// Building an Intl formatter costs ~100 times more than using one (and toLocaleDateString with
// options builds one per call), so each (locale, kind) is built once and kept.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(
  kind: string,
  locale: string | undefined,
  make: () => T,
): T {
  const key = `${kind}|${locale ?? ''}`;
  let f = formatters.get(key) as T | undefined;
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

export function formatCount(n: number, locale?: string): string {
  const l = locale ?? 'en-US';
  return cached('count', l, () => new Intl.NumberFormat(l)).format(n);
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

function formatWith(
  kind: string,
  options: Intl.DateTimeFormatOptions,
  iso: string | null | undefined,
  locale: string | undefined,
): string {
  const d = parse(iso);
  if (!d) return '';
  return cached(kind, locale, () => new Intl.DateTimeFormat(locale, options)).format(d);
}

/** A local calendar date ("Mar 4, 2026"), or "" for a missing/invalid value. */
export function formatDate(iso: string | null | undefined, locale?: string): string {
  return formatWith('date', { year: 'numeric', month: 'short', day: 'numeric' }, iso, locale);
}

export function formatDateTime(iso: string | null | undefined, locale?: string): string {
  return formatWith('datetime', { dateStyle: 'medium', timeStyle: 'short' }, iso, locale);
}

/** A date and time to the second ("Mar 4, 2026, 10:15:07 AM"), for a job's history. */
export function formatTimestamp(iso: string | null | undefined, locale?: string): string {
  return formatWith('timestamp', { dateStyle: 'medium', timeStyle: 'medium' }, iso, locale);
}

/** "just now", "5 minutes ago", "in 3 days"; "never" for null. */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  const d = parse(iso);
  if (!d) return 'never';
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
    [86400 * 30, 'month'],
    [86400 * 365, 'year'],
  ];
  let unit = units[0]!;
  for (const u of units) if (abs >= u[0] * 0.95) unit = u;
  const n = Math.max(1, Math.round(abs / unit[0]));
  const text = `${n} ${unit[1]}${n === 1 ? '' : 's'}`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

/** How long to wait, for people: 8 -> "8 seconds", 125 -> "3 minutes", 3700 -> "1 hour 2 minutes". */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = `${h} hour${h === 1 ? '' : 's'}`;
  return m === 0 ? hours : `${hours} ${m} minute${m === 1 ? '' : 's'}`;
}

/** Time spent waiting, in milliseconds: "none", "250 ms", "8 seconds", "3 minutes". */
export function formatWaitedMs(ms: number): string {
  if (!(ms > 0)) return 'none';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return formatWait(ms / 1000);
}

/** Parses a Retry-After header (delta-seconds or an HTTP date) into seconds from `now`. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
