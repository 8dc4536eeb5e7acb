import { IRange } from './mask';

/**
 * Carry a range found in `before` over to `after`, assuming one contiguous edit
 * (what typing produces between two scans). Ranges touching the edit are
 * dropped: the next check decides about them.
 *
 * Why: exact-value matches come back from the server a round trip later; this
 * keeps a known match underlined while the author types elsewhere in the cell.
 */
export function remapRange(
  before: string,
  after: string,
  range: IRange
): IRange | null {
  if (before === after) {
    return range;
  }
  const shortest = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shortest && before[prefix] === after[prefix]) {
    prefix++;
  }
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) {
    suffix++;
  }
  if (range.end <= prefix) {
    return range;
  }
  const editEnd = before.length - suffix;
  if (range.start >= editEnd) {
    const shift = after.length - before.length;
    return { start: range.start + shift, end: range.end + shift };
  }
  return null;
}
