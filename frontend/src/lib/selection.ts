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

/**
 * Selection as in a file list: a plain click selects that row alone, ctrl/cmd-click toggles it,
 * shift-click selects the range from the anchor (added to the selection with ctrl/cmd as well).
 */
export function pointRow(
  state: SelectionState,
  orderedKeys: readonly string[],
  key: string,
  mods: { shift: boolean; toggle: boolean },
): SelectionState {
  const from = state.anchor === null ? -1 : orderedKeys.indexOf(state.anchor);
  const to = orderedKeys.indexOf(key);
  if (mods.shift && from !== -1 && to !== -1) {
    const next = mods.toggle ? new Set(state.selected) : new Set<string>();
    const [lo, hi] = from < to ? [from, to] : [to, from];
    for (let i = lo; i <= hi; i++) next.add(orderedKeys[i]!);
    return { selected: next, anchor: state.anchor };
  }
  if (mods.toggle) return clickRow(state, orderedKeys, key, false);
  return { selected: new Set([key]), anchor: key };
}

/** The indices (in `orderedKeys`) of the selected rows, in list order. */
export function selectedIndices(
  selected: ReadonlySet<string>,
  orderedKeys: readonly string[],
): number[] {
  const out: number[] = [];
  orderedKeys.forEach((k, i) => {
    if (selected.has(k)) out.push(i);
  });
  return out;
}
