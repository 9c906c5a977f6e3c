import { describe, expect, it } from 'vitest';
import { items } from '../test/fixtures';
import {
  autoScrollSpeed,
  changedRows,
  gapAt,
  gapForPosition,
  gapForStep,
  moveRequest,
  moveRows,
  orderByUris,
  placementForGap,
} from './edit';

const letters = ['a', 'b', 'c', 'd', 'e'];

describe('drop position from the pointer', () => {
  it('puts the upper half of a row in the gap above it and clamps to the list', () => {
    expect(gapAt(-5, 44, 10)).toBe(0);
    expect(gapAt(21, 44, 10)).toBe(0);
    expect(gapAt(23, 44, 10)).toBe(1);
    expect(gapAt(44 * 3 + 30, 44, 10)).toBe(4);
    expect(gapAt(44 * 9_999 + 40, 44, 10_000)).toBe(10_000);
    expect(gapAt(1e9, 44, 10)).toBe(10);
  });

  it('scrolls near the edges only, faster closer to them', () => {
    expect(autoScrollSpeed(300, 100, 600)).toBe(0);
    expect(autoScrollSpeed(100, 100, 600)).toBe(-24);
    expect(autoScrollSpeed(130, 100, 600)).toBeLessThan(0);
    expect(autoScrollSpeed(130, 100, 600)).toBeGreaterThan(-24);
    expect(autoScrollSpeed(599, 100, 600)).toBeGreaterThan(20);
    expect(autoScrollSpeed(700, 100, 600)).toBe(24);
  });
});

describe('moving rows', () => {
  it('moves one row down and up', () => {
    expect(moveRows(letters, [0], 3)).toEqual(['b', 'c', 'a', 'd', 'e']);
    expect(moveRows(letters, [4], 1)).toEqual(['a', 'e', 'b', 'c', 'd']);
    expect(moveRows(letters, [1], 5)).toEqual(['a', 'c', 'd', 'e', 'b']);
  });

  it('gathers a scattered selection in list order at the gap', () => {
    expect(moveRows(letters, [3, 0], 2)).toEqual(['b', 'a', 'd', 'c', 'e']);
    expect(moveRows(letters, [0, 4], 5)).toEqual(['b', 'c', 'd', 'a', 'e']);
  });

  it('returns the same list when a drop changes nothing', () => {
    expect(moveRows(letters, [1], 1)).toBe(letters);
    expect(moveRows(letters, [1], 2)).toBe(letters);
    expect(moveRows(letters, [1, 2], 3)).toBe(letters);
    expect(moveRows(letters, [], 0)).toBe(letters);
  });

  it('moves near the end of a 10,000-row list by indices alone', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => i);
    const after = moveRows(big, [9_990, 9_991, 5], 9_998);
    expect(after.slice(-5)).toEqual([5, 9_990, 9_991, 9_998, 9_999]);
    expect(after).toHaveLength(10_000);
  });
});

describe('keyboard moves', () => {
  it('moves a block by one row, and not past the ends', () => {
    expect(moveRows(letters, [1, 2], gapForStep(5, [1, 2], -1)!)).toEqual([
      'b',
      'c',
      'a',
      'd',
      'e',
    ]);
    expect(moveRows(letters, [1, 2], gapForStep(5, [1, 2], 1)!)).toEqual(['a', 'd', 'b', 'c', 'e']);
    expect(gapForStep(5, [0, 1], -1)).toBeNull();
    expect(gapForStep(5, [4], 1)).toBeNull();
    expect(gapForStep(5, [], 1)).toBeNull();
  });

  it('puts the selection at a typed 1-based position', () => {
    expect(moveRows(letters, [4], gapForPosition(5, [4], 1))).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(moveRows(letters, [0], gapForPosition(5, [0], 3))).toEqual(['b', 'c', 'a', 'd', 'e']);
    expect(moveRows(letters, [0, 1], gapForPosition(5, [0, 1], 99))).toEqual([
      'c',
      'd',
      'e',
      'a',
      'b',
    ]);
  });
});

describe('the move request', () => {
  const list = items(5);
  it('names the items and the item they go before, in the list the user saw', () => {
    expect(moveRequest(list, 'snap-1', [3, 1], 0)).toEqual({
      kind: 'move',
      planned_snapshot: 'snap-1',
      items: [
        { uri: 'spotify:track:t1', position: 1 },
        { uri: 'spotify:track:t3', position: 3 },
      ],
      placement: { kind: 'top' },
    });
    expect(placementForGap(list, [0], 3)).toEqual({
      kind: 'before',
      before: { uri: 'spotify:track:t3', position: 3 },
    });
  });

  it('skips moving rows when naming the neighbour, and says bottom at the end', () => {
    expect(placementForGap(list, [2, 3], 2)).toEqual({
      kind: 'before',
      before: { uri: 'spotify:track:t4', position: 4 },
    });
    expect(placementForGap(list, [4], 4)).toEqual({ kind: 'bottom' });
    expect(placementForGap(list, [1], 5)).toEqual({ kind: 'bottom' });
  });
});

describe('showing a preview at once', () => {
  it('orders rows by the desired URIs, copy by copy, leaving out unknown ones', () => {
    const list = items(3);
    list[2] = { ...list[2]!, uri: list[0]!.uri };
    const out = orderByUris(list, [list[1]!.uri, list[0]!.uri, 'spotify:track:new', list[0]!.uri]);
    expect(out).toEqual([list[1], list[0], list[2]]);
    expect(out[2]).toBe(list[2]);
  });

  it('marks the rows whose place changed', () => {
    const list = items(4);
    const after = moveRows(list, [0], 2);
    expect([...changedRows(list, after)]).toEqual([list[1], list[0]]);
  });
});
