/**
 * Expiry of a signed URL (AWS Signature Version 4, Google Cloud Storage V4):
 * the secret of such a URL is its signature, and once expired it grants
 * nothing.
 */

const SIGNED_AT =
  /X-(?:Amz|Goog)-Date=([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z/i;
const LIFETIME = /X-(?:Amz|Goog)-Expires=([0-9]{1,9})(?![0-9])/i;

/**
 * Whether a signed URL's query (`X-Amz-Date` or `X-Goog-Date`, and the
 * matching `-Expires` in seconds) expired before `now` (milliseconds since
 * the epoch). A query without both, or with a date that does not exist, is
 * not known to have expired.
 */
export function signedUrlExpired(query: string, now: number): boolean {
  const signed = SIGNED_AT.exec(query);
  const lifetime = LIFETIME.exec(query);
  if (signed === null || lifetime === null) {
    return false;
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
