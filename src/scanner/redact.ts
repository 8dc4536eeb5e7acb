/** Characters of a value shown in a preview, at most. */
const SHOWN = 4;

/**
 * A preview of a secret that never contains the whole value: at most four
 * leading characters, and never more than a quarter of the value, followed by
 * a fixed mask that does not reveal the length.
 */
export function redact(value: string): string {
  const shown = Math.min(SHOWN, Math.floor(value.length / 4));
  // Never cut a surrogate pair in half.
  const end =
    shown > 0 && isHighSurrogate(value.charCodeAt(shown - 1))
      ? shown - 1
      : shown;
  return `${value.slice(0, end)}********`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
