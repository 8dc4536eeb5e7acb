/**
 * Expiry of a signed URL (AWS Signature Version 4 and 2, Google Cloud
 * Storage V4 and V2): the secret of such a URL is its signature, and once
 * expired it grants nothing.
 */

const SIGNED_AT =
  /X-(?:Amz|Goog)-Date=([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z/i;
const LIFETIME = /X-(?:Amz|Goog)-Expires=([0-9]{1,9})(?![0-9])/i;
/** V2 (`AWSAccessKeyId`/`GoogleAccessId`): `Expires` is the end itself, in seconds since the epoch. */
const EXPIRES_AT = /(?<![A-Za-z0-9_-])Expires=([0-9]{1,12})(?![0-9])/;

/**
 * Whether a signed URL's query expired before `now` (milliseconds since the
 * epoch): V4's `X-Amz-Date` or `X-Goog-Date` plus the matching `-Expires` in
 * seconds, or V2's `Expires` (seconds since the epoch). A query without them,
 * or with a date that does not exist, is not known to have expired.
 */
export function signedUrlExpired(query: string, now: number): boolean {
  const signed = SIGNED_AT.exec(query);
  const lifetime = LIFETIME.exec(query);
  if (signed === null || lifetime === null) {
    const end = EXPIRES_AT.exec(query);
    return end !== null && Number(end[1]) * 1000 < now;
  }
  const [year, month, day, hour, minute, second] = signed.slice(1).map(Number);
  const start = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(start);
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute
  ) {
    return false; // not a date (Date.UTC would roll 30 February over to March)
  }
  return start + Number(lifetime[1]) * 1000 < now;
}
