/**
 * Expiry of a signed URL (AWS Signature Version 4 and 2, Google Cloud
 * Storage V4 and V2, CloudFront, Azure shared access signatures): the secret
 * of such a URL is its signature, and once expired it grants nothing.
 */

const SIGNED_AT =
  /X-(?:Amz|Goog)-Date=([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z/i;
const LIFETIME = /X-(?:Amz|Goog)-Expires=([0-9]{1,9})(?![0-9])/i;
/** V2 (`AWSAccessKeyId`/`GoogleAccessId`): `Expires` is the end itself, in seconds since the epoch. */
const EXPIRES_AT = /(?<![A-Za-z0-9_-])Expires=([0-9]{1,12})(?![0-9])/;
/** Azure SAS: `se` is the end as an ISO 8601 date or time (UTC), its colons perhaps escaped. */
const SAS_END =
  /(?<![A-Za-z0-9_-])se=([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2})(?::|%3A)([0-9]{2})(?:(?::|%3A)([0-9]{2}))?)?(?![0-9])/i;
/** Characters that end a URL in text: whitespace, quotes, angle brackets. */
const URL_END = /[ \t\r\n"'<>\x60]/;
/** How far the URL around a match is followed each way. */
const URL_REACH = 4096;

/**
 * The URL (or other unbroken run of text) that holds `text[start:end]`: a
 * signed URL's expiry may come before the part a rule matches (Azure puts
 * `se=` before `sv=`).
 */
export function urlAround(text: string, start: number, end: number): string {
  let from = start;
  const low = Math.max(0, start - URL_REACH);
  while (from > low && !URL_END.test(text[from - 1])) {
    from--;
  }
  let to = end;
  const high = Math.min(text.length, end + URL_REACH);
  while (to < high && !URL_END.test(text[to])) {
    to++;
  }
  return text.slice(from, to);
}

/** UTC milliseconds of a date and time that exist, else NaN (no rolling 30 February over). */
function utc(parts: number[]): number {
  const [year, month, day, hour, minute, second] = parts;
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(time);
  return date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
    ? time
    : NaN;
}

/**
 * Whether a signed URL's query expired before `now` (milliseconds since the
 * epoch): V4's `X-Amz-Date` or `X-Goog-Date` plus the matching `-Expires` in
 * seconds, or V2's and CloudFront's `Expires` (seconds since the epoch), or
 * Azure's `se` (a UTC date or time). A query without them, or with a date
 * that does not exist, is not known to have expired.
 */
export function signedUrlExpired(query: string, now: number): boolean {
  const signed = SIGNED_AT.exec(query);
  const lifetime = LIFETIME.exec(query);
  if (signed !== null && lifetime !== null) {
    const start = utc(signed.slice(1).map(Number));
    return start + Number(lifetime[1]) * 1000 < now; // NaN (no such date) is never before
  }
  const end = EXPIRES_AT.exec(query);
  if (end !== null) {
    return Number(end[1]) * 1000 < now;
  }
  const sasEnd = SAS_END.exec(query);
  return (
    sasEnd !== null && utc(sasEnd.slice(1).map(part => Number(part ?? 0))) < now
  );
}
