// Live updates: one EventSource per signed-in tab on api/events, and a tiny bus pages subscribe to.
import type { AccountsChanged, Job, PlaylistsChanged } from '../api/client';
import { notify } from './toast';

export interface EventMap {
  job: Job;
  playlists: PlaylistsChanged;
  accounts: AccountsChanged;
  /** The stream (re)connected: events may have been missed, so re-read what is shown. */
  reconnected: null;
}
export type EventName = keyof EventMap;
type Handler<K extends EventName> = (data: EventMap[K]) => void;

export class EventBus {
  private handlers = new Map<EventName, Set<(data: never) => void>>();

  on<K extends EventName>(name: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as (data: never) => void);
    return () => set.delete(handler as (data: never) => void);
  }

  emit<K extends EventName>(name: K, data: EventMap[K]): void {
    for (const h of [...(this.handlers.get(name) ?? [])]) {
      try {
        (h as Handler<K>)(data);
      } catch (e) {
        console.error(`event handler for ${name} failed`, e);
      }
    }
  }
}

export const bus = new EventBus();

/** The parts of EventSource we use (so tests can pass a fake). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export interface LiveOptions {
  url: string;
  bus: EventBus;
  create?: (url: string) => EventSourceLike;
  /** Called before a reconnect after the stream was closed (e.g. to check the session). */
  beforeReconnect?: () => Promise<boolean>;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
}

const CLOSED = 2;

/** Delay before the n-th reconnect attempt: 1 s, 2 s, 4 s … up to 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

/**
 * Keeps one EventSource open. The browser retries by itself after network errors; when the
 * server ends the stream for good (readyState CLOSED, e.g. a restart answering 5xx) we reconnect
 * with back-off. Every (re)open after the first emits `reconnected`.
 */
export class LiveConnection {
  private source: EventSourceLike | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private opened = false;
  private stopped = true;
  private readonly opts: Required<Omit<LiveOptions, 'beforeReconnect'>> &
    Pick<LiveOptions, 'beforeReconnect'>;

  constructor(opts: LiveOptions) {
    this.opts = {
      create: (url) => new EventSource(url),
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
      ...opts,
    };
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.opts.clearTimeout(this.timer);
    this.timer = null;
    this.source?.close();
    this.source = null;
  }

  private open(): void {
    const source = this.opts.create(this.opts.url);
    this.source = source;
    source.onopen = () => {
      this.attempt = 0;
      if (this.opened) this.opts.bus.emit('reconnected', null);
      this.opened = true;
    };
    source.onerror = () => {
      if (source.readyState === CLOSED && !this.stopped) this.scheduleReconnect();
    };
    // The server ends the oldest of a user's streams beyond its cap (many tabs): reconnecting would
    // only push another tab out, so this tab stops until it is reloaded.
    source.addEventListener('evicted', () => {
      this.stop();
      notify('Live updates are paused in this tab because many tabs are open. Reload to resume.');
    });
    for (const name of ['job', 'playlists', 'accounts'] as const) {
      source.addEventListener(name, (ev) => {
        try {
          this.opts.bus.emit(name, JSON.parse(ev.data as string));
        } catch {
          console.warn(`ignoring malformed ${name} event`);
        }
      });
    }
  }

  private scheduleReconnect(): void {
    this.source?.close();
    this.source = null;
    const delay = backoffMs(this.attempt++);
    this.timer = this.opts.setTimeout(async () => {
      this.timer = null;
      if (this.stopped) return;
      const go = this.opts.beforeReconnect ? await this.opts.beforeReconnect() : true;
      if (go && !this.stopped) this.open();
    }, delay);
  }
}
