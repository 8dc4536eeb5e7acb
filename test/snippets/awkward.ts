/**
 * Names that break naive quoting. Secret keys only match `[-._a-zA-Z0-9]+`, but folders can
 * be plain directories with any name, so the literals must survive all of these.
 */
export const AWKWARD_NAMES: string[] = [
  'plain-name_1.txt',
  "it's",
  'say "hi"',
  'back\\slash\\',
  'dollar$HOME',
  '${PATH}',
  '$(touch pwned)',
  '`touch pwned`',
  'space in name',
  'tab\there',
  'ünïcödé-ключ-鍵',
  'key 🔑 emoji',
  '100% {braces} {0} {{x}}',
  'semi;colon&amp|pipe>redir<in',
  'glob*?[x]',
  '~tilde',
  '-leading-dash',
  '#hash !bang',
  'right-to-left \u202e override',
  'no\u00a0break space',
  'bell\u0007 and del\u007f',
  'zero\u200bwidth',
  '\'"\\$`{}%',
  'line\nbreak'
];
