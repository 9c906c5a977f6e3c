// The "load, show errors, refresh on a live event" pattern of every page, once: useResource keeps
// one piece of server data with its error and loading state, re-reads it when a live event says it
// changed (coalesced) and after the event stream reconnected (events may have been missed), aborts
// a load that a newer one replaces and never lets an older answer overwrite a newer one.
import { useEffect, useRef, useState } from 'preact/hooks';
import { coalesce } from './coalesce';
import { bus as defaultBus, type EventBus, type EventMap, type EventName } from './events';

/** A live event that re-reads the resource: every event of a name, or those a predicate accepts. */
export type RefreshTrigger =
  EventName | { [K in EventName]: { on: K; when: (data: EventMap[K]) => boolean } }[EventName];

export interface LoadContext {
  /** Aborted when a newer load replaces this one, the deps change or the component unmounts. */
  signal: AbortSignal;
}

/**
 * Reads the data. `previous` is the data shown now (to revalidate it with its ETag, or to re-read
 * as many rows as are shown). It is a second argument rather than part of the context so that
 * `({ signal }) => …` still lets TypeScript infer T from what the function returns.
 */
export type Load<T> = (ctx: LoadContext, previous: T | null) => Promise<T>;

export interface ResourceOptions<T> {
  /** Events that re-read the data; `reconnected` always does. */
  refreshOn?: readonly RefreshTrigger[];
  /** When one changes, the data is dropped and loaded again (like useEffect's dependencies). */
  deps?: readonly unknown[];
  /** False: nothing is loaded (and the data is dropped) until it becomes true. Default true. */
  enabled?: boolean;
  /** Data to show before the first answer (a cached copy); it is revalidated at once. */
  initial?: T | null;
  /** Event bursts re-read at most once per this many milliseconds (default 1000). */
  refreshIntervalMs?: number;
  /** The bus to listen to (tests pass their own); like the interval, read when the deps change. */
  bus?: EventBus;
}

export interface Resource<T> {
  /** The last data read (kept when a later load fails), or null before the first answer. */
  data: T | null;
  /** Why the last load failed; null once one succeeds. */
  error: unknown;
  /** A load is under way. */
  loading: boolean;
  /** Reads again now (replacing a load under way); resolves when done, never rejects. */
  reload: () => Promise<void>;
  /** Changes the data locally, e.g. with what a write answered. */
  mutate: (update: (current: T | null) => T | null) => void;
}

interface State<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
}

function triggers(list: readonly RefreshTrigger[], name: EventName, data: unknown): boolean {
  return list.some((t) =>
    typeof t === 'string' ? t === name : t.on === name && (t.when as (d: unknown) => boolean)(data),
  );
}

export function useResource<T>(
  load: Load<T>,
  options: ResourceOptions<NoInfer<T>> = {},
): Resource<T> {
  const enabled = options.enabled ?? true;
  const bus = options.bus ?? defaultBus;
  const interval = options.refreshIntervalMs ?? 1000;
  const [state, setState] = useState<State<T>>(() => ({
    data: options.initial ?? null,
    error: null,
    loading: enabled,
  }));

  // The latest load function and options, so events and reloads never use a stale closure.
  const latest = useRef({ load, options });
  latest.current = { load, options };
  const data = useRef<T | null>(state.data);
  // Every load takes a number; only the answer of the newest one is kept.
  const sequence = useRef(0);
  const inFlight = useRef<AbortController | null>(null);
  const mounted = useRef(false);

  const run = useRef(async (): Promise<void> => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    const id = ++sequence.current;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    try {
      const next = await latest.current.load({ signal: controller.signal }, data.current);
      if (id !== sequence.current) return;
      data.current = next;
      setState((s) =>
        s.data === next && s.error === null && !s.loading
          ? s
          : { data: next, error: null, loading: false },
      );
    } catch (e) {
      if (id !== sequence.current) return;
      setState((s) => ({ data: s.data, error: e, loading: false }));
    } finally {
      if (inFlight.current === controller) inFlight.current = null;
    }
  }).current;

  const mutate = useRef((update: (current: T | null) => T | null) => {
    data.current = update(data.current);
    const next = data.current;
    setState((s) => (s.data === next ? s : { ...s, data: next }));
  }).current;

  const names = [
    ...new Set<EventName>([
      'reconnected',
      ...(options.refreshOn ?? []).map((t) => (typeof t === 'string' ? t : t.on)),
    ]),
  ].sort();

  useEffect(() => {
    // After the first run, a change of the deps (or of `enabled`) starts from nothing: what is
    // shown belonged to the old deps.
    if (mounted.current || !enabled) {
      data.current = null;
      setState((s) =>
        s.data === null && s.error === null && s.loading === enabled
          ? s
          : { data: null, error: null, loading: enabled },
      );
    }
    mounted.current = true;
    if (!enabled) return;
    void run();
    const refresh = coalesce(run, interval);
    const offs = names.map((name) =>
      bus.on(name, (payload: unknown) => {
        if (
          name === 'reconnected' ||
          triggers(latest.current.options.refreshOn ?? [], name, payload)
        )
          refresh();
      }),
    );
    return () => {
      offs.forEach((off) => off());
      refresh.cancel();
      // Answers of loads started before this point belong to other deps: drop them.
      sequence.current++;
      inFlight.current?.abort();
      inFlight.current = null;
    };
  }, [enabled, names.join(','), ...(options.deps ?? [])]);

  return { ...state, reload: run, mutate };
}

/** Subscribes to one live event for the component's lifetime, always calling the latest handler. */
export function useLiveEvent<K extends EventName>(
  name: K,
  handler: (data: EventMap[K]) => void,
  bus: EventBus = defaultBus,
): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => bus.on(name, (data) => latest.current(data)), [name, bus]);
}
