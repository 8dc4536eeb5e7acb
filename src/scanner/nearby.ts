/**
 * The text around a match that a rule's `nearby` and `notNearby` patterns
 * search: whether a value is a key often shows only in what surrounds it
 * (the service a request goes to, the kind of config object it sits in).
 */

/** How far each way from a match its context reaches (UTF-16 code units). */
export const NEARBY_REACH = 256;

/** `text` from `NEARBY_REACH` before `start` to `NEARBY_REACH` after `end`. */
export function textNearby(text: string, start: number, end: number): string {
  return text.slice(Math.max(0, start - NEARBY_REACH), end + NEARBY_REACH);
}
