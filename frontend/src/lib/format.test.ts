import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatRelative,
  formatTimestamp,
  formatTotalDuration,
  formatWait,
  formatWaitedMs,
  parseRetryAfter,
  plural,
} from './format';

describe('formatDuration', () => {
  it('formats minutes and zero-padded seconds', () => {
    expect(formatDuration(215_000)).toBe('3:35');
    expect(formatDuration(5_000)).toBe('0:05');
    expect(formatDuration(59_600)).toBe('1:00'); // rounds to the nearest second
  });

  it('adds hours for long items and clamps bad input', () => {
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });
});

describe('other formats', () => {
  it('formats a playlist total length', () => {
    expect(formatTotalDuration(42 * 60_000)).toBe('42 min');
    expect(formatTotalDuration(185 * 60_000)).toBe('3 h 5 min');
    expect(formatTotalDuration(120 * 60_000)).toBe('2 h');
  });

  it('says how long to wait', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(8)).toBe('8 seconds');
    expect(formatWait(125)).toBe('3 minutes');
    expect(formatWait(3720)).toBe('1 hour 2 minutes');
  });

  it('says how long a job waited, from milliseconds', () => {
    expect(formatWaitedMs(0)).toBe('none');
    expect(formatWaitedMs(250)).toBe('250 ms');
    expect(formatWaitedMs(8000)).toBe('8 seconds');
    expect(formatWaitedMs(125_000)).toBe('3 minutes');
  });

  it('formats a timestamp to the second', () => {
    expect(formatTimestamp('2026-03-04T10:15:07Z', 'en-GB')).toMatch(/\d\d:15:07/);
    expect(formatTimestamp(null)).toBe('');
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });

  it('describes times relative to now', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    expect(formatRelative(null, now)).toBe('never');
    expect(formatRelative('2026-03-01T09:59:50Z', now)).toBe('just now');
    expect(formatRelative('2026-03-01T09:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-02-27T10:00:00Z', now)).toBe('2 days ago');
    expect(formatRelative('2026-03-04T10:00:00Z', now)).toBe('in 3 days');
  });

  it('pluralizes with grouped numbers', () => {
    expect(plural(1, 'track')).toBe('1 track');
    expect(plural(10000, 'track')).toBe('10,000 tracks');
  });
});

describe('cached locale formatters', () => {
  it('give the same text as building a formatter per call', () => {
    const iso = '2026-03-04T10:30:00Z';
    const d = new Date(iso);
    for (const locale of [undefined, 'en-US', 'de-DE', 'ja-JP']) {
      const date = d.toLocaleDateString(locale, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
      });
      const dateTime = d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
      // twice: the second call uses the cached formatter
      expect(formatDate(iso, locale)).toBe(date);
      expect(formatDate(iso, locale)).toBe(date);
      expect(formatDateTime(iso, locale)).toBe(dateTime);
      expect(formatDateTime(iso, locale)).toBe(dateTime);
    }
    expect(formatDate('2026-03-04T10:30:00Z', 'en-US')).toBe('Mar 4, 2026');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(1234567, 'de-DE')).toBe('1.234.567');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('keeps the empty result for missing or invalid dates', () => {
    expect(formatDate(null)).toBe('');
    expect(formatDate('not a date')).toBe('');
    expect(formatDateTime(undefined)).toBe('');
  });
});
