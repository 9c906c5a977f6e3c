// A preview (POST …/edits/preview, a dry_run) read again whenever what it previews changes, and
// nothing while the input is invalid (load is null). An answer for an older input is dropped.
import { useEffect, useState } from 'preact/hooks';

export function usePreview<T>(load: (() => Promise<T>) | null, key: string) {
  const [state, setState] = useState<{ data: T | null; error: unknown }>({
    data: null,
    error: null,
  });
  useEffect(() => {
    setState({ data: null, error: null });
    if (!load) return;
    let live = true;
    load().then(
      (data) => live && setState({ data, error: null }),
      (error) => live && setState({ data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [key, load === null]);
  return state;
}
