// Live events can arrive in bursts (a sync stores hundreds of playlists). A coalesced task runs
// at most once at a time and at most once per interval; calls in between fold into one more run.

export interface Coalesced {
  (): void;
  cancel(): void;
}

export function coalesce(
  task: () => Promise<unknown>,
  minIntervalMs: number,
  timers: {
    now: () => number;
    setTimeout: (fn: () => void, ms: number) => unknown;
    clearTimeout: (id: unknown) => void;
  } = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
  },
): Coalesced {
  let running = false;
  let pending = false;
  let lastStart = -Infinity;
  let timer: unknown = null;
  let cancelled = false;

  const start = () => {
    timer = null;
    if (cancelled) return;
    running = true;
    pending = false;
    lastStart = timers.now();
    void task()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (pending) schedule();
      });
  };

  const schedule = () => {
    if (cancelled || timer !== null) return;
    if (running) {
      pending = true;
      return;
    }
    const wait = Math.max(0, lastStart + minIntervalMs - timers.now());
    if (wait === 0) start();
    else timer = timers.setTimeout(start, wait);
  };

  const trigger = (() => schedule()) as Coalesced;
  trigger.cancel = () => {
    cancelled = true;
    if (timer !== null) timers.clearTimeout(timer);
  };
  return trigger;
}
