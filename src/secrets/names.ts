/**
 * Names for a new Secret, from the code around a pasted credential, and the rules Kubernetes
 * applies to them (checked again by the server). Pure: no DOM, no JupyterLab imports.
 */

/** A Secret name: a DNS subdomain (lower case, digits, `-`, `.`), at most 253 characters. */
const SECRET_NAME =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A key: letters, digits, `-`, `_`, `.`. */
const KEY = /^[-._a-zA-Z0-9]+$/;

export function isSecretName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && SECRET_NAME.test(name);
}

export function isKey(key: string): boolean {
  return (
    key.length > 0 &&
    key.length <= 253 &&
    KEY.test(key) &&
    key !== '.' &&
    key !== '..'
  );
}

/** The Secret and key names offered in the dialog. */
export interface ISuggestedNames {
  secretName: string;
  key: string;
}

/**
 * The name the code gives the value at `start` (where its literal's quote may begin):
 * `API_TOKEN = "…"`, `token: str = "…"`, `f(token="…")`, `{"api_key": "…"}`, `export TOKEN=…`.
 */
export function nameBefore(source: string, start: number): string | null {
  const lineStart = source.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
  // Up to the opening quote and Python's string prefix letters.
  const before = source
    .slice(lineStart, start)
    .replace(/[rRbBuUfF]{0,2}["']{1,3}$/, '');
  const patterns = [
    /([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]*)?(?:=|<-)\s*$/, // assignment (Python, R, Julia, shell)
    /["']([A-Za-z_][A-Za-z0-9_.-]*)["']\s*[:=]\s*$/ // dict or JSON key
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(before);
    if (match) {
      return match[1];
    }
  }
  return null;
}

/** Words of an identifier: `GITHUB_TOKEN`, `githubToken`, `github-token` -> github, token. */
function words(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map(word => word.toLowerCase())
    .filter(Boolean);
}

/** A Secret name from words: joined by `-`, cut to a DNS-safe length. */
function secretNameOf(parts: string[]): string {
  const name = parts.join('-').slice(0, 63).replace(/-+$/, '');
  return isSecretName(name) ? name : '';
}

/**
 * Names for the Secret of a value found at `start`: from the variable holding it
 * (`GITHUB_TOKEN` -> Secret `github-token`, key `token`), else from the rule that found it
 * (`github-pat` -> Secret `github-pat`, key `token`).
 */
export function suggestNames(
  source: string,
  start: number,
  ruleId: string
): ISuggestedNames {
  const variable = nameBefore(source, start);
  const parts = variable ? words(variable) : [];
  if (parts.length > 0) {
    const secretName = secretNameOf(parts);
    if (secretName) {
      return { secretName, key: parts[parts.length - 1] };
    }
  }
  return {
    secretName: secretNameOf(words(ruleId)) || 'credential',
    key: 'token'
  };
}

/**
 * Another name to offer when one is taken: `name-2`, `name-3`, ... A longer number is part of the
 * name, not our counter (`backup-2024` becomes `backup-2024-2`, not `backup-2025`).
 */
export function nextName(name: string): string {
  const match = /^(.*)-(\d{1,3})$/.exec(name);
  const base = match ? match[1] : name;
  const number = match ? Number(match[2]) + 1 : 2;
  return `${base.slice(0, 250)}-${number}`;
}
