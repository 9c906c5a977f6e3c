// Lists that can grow past what a page should render at once (the where page's 2,000 playlists,
// search results): the first `step` items, and a button that shows `step` more. The filter above
// such a list narrows it; a new filter starts again from the first `step`. Rendering stays bounded
// by what the user asked to see, not by what the account holds.
import { useState } from 'preact/hooks';
import { formatCount } from '../lib/format';

export const RENDER_STEP = 100;

/** How many items to render: `step` more each time `more` is called; back to `step` on resetKey. */
export function useRenderLimit(
  resetKey: unknown,
  step = RENDER_STEP,
): { limit: number; more: () => void } {
  const [state, setState] = useState({ key: resetKey, limit: step });
  const limit = state.key === resetKey ? state.limit : step;
  return { limit, more: () => setState({ key: resetKey, limit: limit + step }) };
}

/** "Show 100 more (of 1,900)", or nothing when every item is shown. */
export function ShowMore({
  shown,
  total,
  step = RENDER_STEP,
  onMore,
}: {
  shown: number;
  total: number;
  step?: number;
  onMore: () => void;
}) {
  if (shown >= total) return null;
  return (
    <p class="show-more">
      <button type="button" class="btn btn-small" onClick={onMore} data-testid="show-more">
        Show {formatCount(Math.min(step, total - shown))} more
      </button>{' '}
      <span class="muted small">
        {formatCount(shown)} of {formatCount(total)} shown
      </span>
    </p>
  );
}
