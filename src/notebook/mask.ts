/** What a masked secret value looks like in rendered output; it names no value. */
export const MASK = '[REDACTED]';

/** A half-open range of UTF-16 code units, `[start, end)`. */
export interface IRange {
  start: number;
  end: number;
}

/**
 * Sort, clamp and merge overlapping or touching ranges, so that masking two
 * matches of one value (say raw and base64) never leaves a fragment visible.
 */
export function mergeRanges(
  ranges: readonly IRange[],
  length: number
): IRange[] {
  const sorted = ranges
    .map(r => ({
      start: Math.max(0, Math.min(r.start, length)),
      end: Math.max(0, Math.min(r.end, length))
    }))
    .filter(r => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: IRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) {
      last.end = Math.max(last.end, range.end);
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** Replace every range of `text` with `mask`. */
export function maskText(
  text: string,
  ranges: readonly IRange[],
  mask: string = MASK
): string {
  const merged = mergeRanges(ranges, text.length);
  if (merged.length === 0) {
    return text;
  }
  let result = '';
  let cursor = 0;
  for (const { start, end } of merged) {
    result += text.slice(cursor, start) + mask;
    cursor = end;
  }
  return result + text.slice(cursor);
}
