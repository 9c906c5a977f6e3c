// Components loaded when first shown, each in its own chunk (the first load stays within the
// JavaScript budget, docs/web.md): pages most visits never open, the paste panel. A failed load
// shows the error with a retry.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Spinner } from './ui';

/** A component that renders `load()`'s component once loaded, with `loading` said meanwhile. */
export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
  loading: string,
): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [Loaded, setLoaded] = useState<ComponentType<P> | null>(() => loaded);
    const [error, setError] = useState<unknown>(null);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (Loaded) return undefined;
      let live = true;
      load().then(
        (component) => {
          loaded = component;
          if (live) setLoaded(() => component);
        },
        (e) => live && setError(e),
      );
      return () => {
        live = false;
      };
    }, [attempt]);
    if (error)
      return (
        <ErrorNotice
          error={error}
          onRetry={() => {
            setError(null);
            setAttempt(attempt + 1);
          }}
        />
      );
    if (!Loaded) return <Spinner label={loading} />;
    return <Loaded {...props} />;
  };
}
