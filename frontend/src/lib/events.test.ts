import { describe, expect, it, vi } from 'vitest';
import { job } from '../test/fixtures';
import { EventBus, LiveConnection, backoffMs, type EventSourceLike } from './events';

class FakeSource implements EventSourceLike {
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  listeners = new Map<string, (ev: MessageEvent) => void>();
  closed = false;
  constructor(public url: string) {}
  addEventListener(type: string, listener: (ev: MessageEvent) => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  send(type: string, data: unknown) {
    this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
  fail() {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
}

describe('event bus', () => {
  it('delivers to subscribers until they unsubscribe, isolating failing handlers', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    bus.on('accounts', () => {
      throw new Error('boom');
    });
    const off = bus.on('accounts', (e) => seen.push(e.account_id));
    bus.emit('accounts', { account_id: 1 });
    off();
    bus.emit('accounts', { account_id: 2 });
    expect(seen).toEqual([1]);
  });
});

describe('live connection', () => {
  it('parses named events onto the bus', () => {
    const bus = new EventBus();
    const sources: FakeSource[] = [];
    const got: string[] = [];
    bus.on('job', (j) => got.push(`job:${j.id}:${j.done}`));
    bus.on('playlists', (p) => got.push(`playlists:${p.account_id}`));
    const live = new LiveConnection({
      url: 'http://x/plm/api/events',
      bus,
      create: (url) => {
        const s = new FakeSource(url);
        sources.push(s);
        return s;
      },
    });
    live.start();
    sources[0]!.open();
    sources[0]!.send('job', job({ id: 'j1', done: 5 }));
    sources[0]!.send('playlists', { account_id: 7, playlist_ids: [] });
    expect(got).toEqual(['job:j1:5', 'playlists:7']);
    expect(sources[0]!.url).toBe('http://x/plm/api/events');
    live.stop();
    expect(sources[0]!.closed).toBe(true);
  });

  it('stops for good when the server evicts this tab (too many streams)', () => {
    const sources: FakeSource[] = [];
    const timers: unknown[] = [];
    const live = new LiveConnection({
      url: 'api/events',
      bus: new EventBus(),
      create: (url) => {
        const s = new FakeSource(url);
        sources.push(s);
        return s;
      },
      setTimeout: (fn) => timers.push(fn),
    });
    live.start();
    sources[0]!.open();
    sources[0]!.send('evicted', {});
    sources[0]!.fail();
    expect(sources[0]!.closed).toBe(true);
    expect(sources).toHaveLength(1);
    expect(timers).toHaveLength(0);
  });

  it('reconnects with back-off after the server closes the stream, then announces it', async () => {
    const bus = new EventBus();
    const sources: FakeSource[] = [];
    const timers: { fn: () => void; ms: number }[] = [];
    const reconnected = vi.fn();
    bus.on('reconnected', reconnected);
    const live = new LiveConnection({
      url: 'api/events',
      bus,
      create: (url) => {
        const s = new FakeSource(url);
        sources.push(s);
        return s;
      },
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => undefined,
      beforeReconnect: async () => true,
    });
    live.start();
    sources[0]!.open();
    sources[0]!.fail();
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    await timers[0]!.fn();
    expect(sources).toHaveLength(2);
    sources[1]!.open();
    expect(reconnected).toHaveBeenCalledTimes(1);
    expect(backoffMs(0)).toBe(1000);
    expect(backoffMs(3)).toBe(8000);
    expect(backoffMs(20)).toBe(30_000);
  });
});
