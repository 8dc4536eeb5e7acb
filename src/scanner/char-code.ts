/**
 * `String.prototype.charCodeAt`, for the loops that read a scanned text
 * character by character: `charCodeAt.call(text, i)`. Written
 * `text.charCodeAt(i)`, the method is looked up through the string's hidden
 * class, and texts come in many (flat or sliced, one or two bytes a
 * character, external, joined): once a loop has seen more than four, V8
 * compiles that lookup generically and the loop runs about 2.5 times slower,
 * or not, depending on which texts it happened to see first.
 */
export const charCodeAt = String.prototype.charCodeAt;
