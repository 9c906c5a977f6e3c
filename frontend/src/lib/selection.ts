// Multi-select with checkboxes: plain click toggles one, shift-click sets the whole range between
// the last clicked row (the anchor) and this one to the clicked row's new state.

export interface SelectionState {
  selected: ReadonlySet<string>;
  anchor: string | null;
}

export const emptySelection: SelectionState = { selected: new Set(), anchor: null };

export function clickRow(
  state: SelectionState,
  orderedKeys: readonly string[],
  key: string,
  shift: boolean,
): SelectionState {
  const next = new Set(state.selected);
  const turnOn = !state.selected.has(key);
  const from = state.anchor === null ? -1 : orderedKeys.indexOf(state.anchor);
  const to = orderedKeys.indexOf(key);
  if (shift && from !== -1 && to !== -1) {
    const [lo, hi] = from < to ? [from, to] : [to, from];
    for (let i = lo; i <= hi; i++) {
      const k = orderedKeys[i]!;
      if (turnOn) next.add(k);
      else next.delete(k);
    }
  } else if (turnOn) {
    next.add(key);
  } else {
    next.delete(key);
  }
  return { selected: next, anchor: key };
}

/** Selects (or unselects) every visible row, leaving hidden selected rows as they are. */
export function setAllVisible(
  state: SelectionState,
  visibleKeys: readonly string[],
  on: boolean,
): SelectionState {
  const next = new Set(state.selected);
  for (const k of visibleKeys) {
    if (on) next.add(k);
    else next.delete(k);
  }
  return { selected: next, anchor: state.anchor };
}

/** "all", "some" or "none" of the visible rows are selected (drives the header checkbox). */
export function visibleSelectionState(
  selected: ReadonlySet<string>,
  visibleKeys: readonly string[],
): 'all' | 'some' | 'none' {
  let count = 0;
  for (const k of visibleKeys) if (selected.has(k)) count++;
  if (count === 0) return 'none';
  return count === visibleKeys.length ? 'all' : 'some';
}

/** Drops keys that no longer exist (after a re-fetch). */
export function pruneSelection(
  state: SelectionState,
  existing: ReadonlySet<string>,
): SelectionState {
  let changed = false;
  const next = new Set<string>();
  for (const k of state.selected) {
    if (existing.has(k)) next.add(k);
    else changed = true;
  }
  return changed ? { selected: next, anchor: state.anchor } : state;
}
