import { act, renderHook, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { EventBus } from './events';
import { useResource, type LoadContext } from './resource';

/** A load whose answers the test hands out one by one, in any order. */
function controlledLoad<T>() {
  const pending: {
    ctx: LoadContext;
    resolve: (v: T) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const load = (ctx: LoadContext) =>
    new Promise<T>((resolve, reject) => pending.push({ ctx, resolve, reject }));
  return { load, pending };
}

describe('useResource', () => {
  it('loads, then re-reads on a live event it listens to, and not on others', async () => {
    const bus = new EventBus();
    let version = 0;
    const { result } = renderHook(() =>
      useResource(async () => ++version, {
        bus,
        refreshOn: ['playlists'],
        refreshIntervalMs: 0,
      }),
    );
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.data).toBe(1));
    expect(result.current.loading).toBe(false);
    act(() => bus.emit('accounts', { account_id: 1 }));
    act(() => bus.emit('playlists', { account_id: 1, playlist_ids: [] }));
    await waitFor(() => expect(result.current.data).toBe(2));
    expect(version).toBe(2);
  });

  it('filters events with a predicate, and always re-reads after the stream reconnected', async () => {
    const bus = new EventBus();
    let version = 0;
    const { result } = renderHook(() =>
      useResource(async () => ++version, {
        bus,
        refreshOn: [{ on: 'playlists', when: (ev) => ev.playlist_ids.includes('mine') }],
        refreshIntervalMs: 0,
      }),
    );
    await waitFor(() => expect(result.current.data).toBe(1));
    act(() => bus.emit('playlists', { account_id: 1, playlist_ids: ['other'] }));
    await Promise.resolve();
    expect(version).toBe(1);
    act(() => bus.emit('playlists', { account_id: 1, playlist_ids: ['mine'] }));
    await waitFor(() => expect(result.current.data).toBe(2));
    act(() => bus.emit('reconnected', null));
    await waitFor(() => expect(result.current.data).toBe(3));
  });

  it('shows the error, keeps the last data when a refresh fails, and clears the error on success', async () => {
    const bus = new EventBus();
    const { load, pending } = controlledLoad<string>();
    const { result } = renderHook(() => useResource(load, { bus, refreshIntervalMs: 0 }));
    await act(async () => pending[0]!.reject(new Error('down')));
    expect(result.current.error).toEqual(new Error('down'));
    expect(result.current.data).toBeNull();
    expect(result.current.loading).toBe(false);

    act(() => void result.current.reload());
    expect(result.current.loading).toBe(true);
    await act(async () => pending[1]!.resolve('first'));
    expect(result.current.error).toBeNull();
    expect(result.current.data).toBe('first');

    act(() => bus.emit('reconnected', null));
    await act(async () => pending[2]!.reject(new Error('again')));
    expect(result.current.data).toBe('first');
    expect(result.current.error).toEqual(new Error('again'));
  });

  it('ignores an older answer that arrives after a newer one, and aborts the older load', async () => {
    const bus = new EventBus();
    const { load, pending } = controlledLoad<string>();
    const { result } = renderHook(() => useResource(load, { bus }));
    act(() => void result.current.reload());
    expect(pending).toHaveLength(2);
    expect(pending[0]!.ctx.signal.aborted).toBe(true);
    await act(async () => pending[1]!.resolve('new'));
    await act(async () => pending[0]!.resolve('old'));
    expect(result.current.data).toBe('new');
    // An older failure does not show either.
    act(() => void result.current.reload());
    act(() => void result.current.reload());
    await act(async () => pending[3]!.resolve('newer'));
    await act(async () => pending[2]!.reject(new Error('aborted')));
    expect(result.current.data).toBe('newer');
    expect(result.current.error).toBeNull();
  });

  it('drops the data when the deps change, and the answer for the old deps with it', async () => {
    const bus = new EventBus();
    const { load, pending } = controlledLoad<string>();
    const { result, rerender } = renderHook(
      ({ id }: { id: number }) => useResource(load, { bus, deps: [id] }),
      { initialProps: { id: 1 } },
    );
    await act(async () => pending[0]!.resolve('one'));
    expect(result.current.data).toBe('one');
    act(() => void result.current.reload());
    rerender({ id: 2 });
    expect(pending[1]!.ctx.signal.aborted).toBe(true);
    await waitFor(() => expect(result.current.data).toBeNull());
    await act(async () => pending[1]!.resolve('one again'));
    expect(result.current.data).toBeNull();
    await act(async () => pending[2]!.resolve('two'));
    expect(result.current.data).toBe('two');
  });

  it('passes the shown data to the next load (ETag revalidation) and starts from a cached copy', async () => {
    const bus = new EventBus();
    const seen: (string | null)[] = [];
    const { result } = renderHook(() =>
      useResource<string>(
        async (_ctx, previous) => {
          seen.push(previous);
          return previous ?? 'fresh';
        },
        { bus, initial: 'cached' },
      ),
    );
    expect(result.current.data).toBe('cached');
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(seen).toEqual(['cached']);
    expect(result.current.data).toBe('cached');
  });

  it('loads nothing while disabled, and changes data locally with mutate', async () => {
    const bus = new EventBus();
    let calls = 0;
    const { result, rerender } = renderHook(
      ({ on }: { on: boolean }) =>
        useResource(async () => [++calls], { bus, enabled: on, refreshIntervalMs: 0 }),
      { initialProps: { on: false } },
    );
    act(() => bus.emit('reconnected', null));
    expect(calls).toBe(0);
    expect(result.current.loading).toBe(false);
    rerender({ on: true });
    await waitFor(() => expect(result.current.data).toEqual([1]));
    act(() => result.current.mutate((list) => [...(list ?? []), 99]));
    expect(result.current.data).toEqual([1, 99]);
  });

  it('folds a burst of events into one load under way and one after it', async () => {
    const bus = new EventBus();
    const { load, pending } = controlledLoad<number>();
    const { result } = renderHook(() =>
      useResource(load, { bus, refreshOn: ['accounts'], refreshIntervalMs: 0 }),
    );
    await act(async () => pending[0]!.resolve(0));
    for (let i = 0; i < 20; i++) act(() => bus.emit('accounts', { account_id: i }));
    expect(pending).toHaveLength(2);
    await act(async () => pending[1]!.resolve(1));
    await waitFor(() => expect(pending).toHaveLength(3));
    await act(async () => pending[2]!.resolve(2));
    expect(result.current.data).toBe(2);
    expect(pending).toHaveLength(3);
  });
});
