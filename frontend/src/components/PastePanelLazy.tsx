// The paste panel is loaded when first opened (its own chunk): most visits never paste.
import { useEffect, useState } from 'preact/hooks';
import type { PastePanelProps } from './PastePanel';
import { ErrorNotice, Spinner } from './ui';

type Chunk = typeof import('./PastePanel');
let loaded: Chunk | null = null;

export function PastePanelLazy(props: PastePanelProps) {
  const [chunk, setChunk] = useState<Chunk | null>(loaded);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (chunk) return;
    let live = true;
    import('./PastePanel').then(
      (m) => {
        loaded = m;
        if (live) setChunk(m);
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
  if (!chunk) return <Spinner label="Loading the paste panel…" />;
  return <chunk.PastePanel {...props} />;
}
