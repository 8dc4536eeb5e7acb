/**
 * Tokens in git URLs: `git clone https://user:TOKEN@host/org/repo.git`, `git remote add origin
 * https://TOKEN@github.com/...`, `git push https://oauth2:TOKEN@gitlab.com/...`, in a cell, a
 * `%%bash` cell, a `!` line or a `subprocess` argument list. Pure: no DOM, no JupyterLab.
 */
import { ITextEdit } from '../notebook/rewrites';

/** A URL with a credential in it, found around a finding. */
export interface IGitUrlCredential {
  /** `https://github.com`, `http://127.0.0.1:9095`: what git's credential section names. */
  host: string;
  /** The user name written before the token (`user:TOKEN@`); null for `TOKEN@`. */
  username: string | null;
  /** The token as written (the finding's text). */
  token: string;
  /** Removes `user:TOKEN@` from the URL. */
  edit: ITextEdit;
}

/** An http(s) URL with user information, up to the end of its host and port. */
const URL_WITH_USERINFO =
  /\b(https?):\/\/([^\s/?#@"'`<>\\]{1,512})@([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,60}\])(:\d{1,5})?(?=[/\s"'`,)\]]|$)/g;

/** A git command that takes a remote URL, before the URL on its line (shell or argument list). */
const GIT_COMMAND =
  /(^|[^\w-])git(?:[\s"',]+(?:-[Cc][\s"',]+[^\s"',]+|--?[\w-]+(?:=[^\s"',]*)?))*[\s"',]+(clone|remote|push|pull|fetch|submodule|ls-remote)\b/;

/**
 * The git URL whose user information holds `text.slice(start, end)`, when that text is in a
 * git command's URL; null otherwise.
 */
export function gitUrlCredentialAt(
  text: string,
  start: number,
  end: number
): IGitUrlCredential | null {
  const lineStart = text.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
  const newline = text.indexOf('\n', end);
  const lineEnd = newline < 0 ? text.length : newline;
  const line = text.slice(lineStart, lineEnd);
  URL_WITH_USERINFO.lastIndex = 0;
  for (const match of line.matchAll(URL_WITH_USERINFO)) {
    const [, scheme, userinfo, host, port] = match;
    const urlStart = lineStart + (match.index ?? 0);
    const infoStart = urlStart + scheme.length + '://'.length;
    const infoEnd = infoStart + userinfo.length;
    if (start < infoStart || end > infoEnd) {
      continue;
    }
    if (!GIT_COMMAND.test(line.slice(0, urlStart - lineStart))) {
      return null;
    }
    const colon = userinfo.indexOf(':');
    const username = colon < 0 ? null : decode(userinfo.slice(0, colon));
    const tokenText = colon < 0 ? userinfo : userinfo.slice(colon + 1);
    if (!tokenText) {
      return null;
    }
    return {
      host: `${scheme.toLowerCase()}://${host.toLowerCase()}${port ?? ''}`,
      username: username || null,
      token: decode(tokenText),
      edit: { from: infoStart, to: infoEnd + 1, insert: '' }
    };
  }
  return null;
}

/** URL user information may be percent-encoded (`%40` for `@`); git decodes it too. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
