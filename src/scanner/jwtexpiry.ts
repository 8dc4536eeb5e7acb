/**
 * Expiry of a JSON Web Token: a token whose `exp` claim (seconds since the
 * epoch) is past grants nothing, as an expired signed URL grants nothing.
 */

const JWT =
  /^eyJ[A-Za-z0-9_-]{8,3000}[.](eyJ[A-Za-z0-9_-]{8,6000})[.][A-Za-z0-9_-]{16,1500}$/;
const EXP = /"exp"[ \t\r\n]{0,8}:[ \t\r\n]{0,8}([0-9]{1,12})(?![0-9.eE])/;
const ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The bytes of unpadded base64url text, one character per byte (Latin-1). */
function decodeBase64Url(text: string): string {
  let bits = 0;
  let bitCount = 0;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    bits = ((bits << 6) | ALPHABET.indexOf(text[i])) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out += String.fromCharCode((bits >> bitCount) & 0xff);
    }
  }
  return out;
}

/**
 * Whether a value is a JWT (`header.payload.signature`, both JSON parts
 * base64url) whose payload's `exp` is before `now` (milliseconds since the
 * epoch). A token without `exp` never expires, so it is not expired.
 */
export function jwtExpired(value: string, now: number): boolean {
  if (!value.startsWith('eyJ')) {
    return false;
  }
  const token = JWT.exec(value);
  if (token === null) {
    return false;
  }
  const exp = EXP.exec(decodeBase64Url(token[1]));
  return exp !== null && Number(exp[1]) * 1000 < now;
}
