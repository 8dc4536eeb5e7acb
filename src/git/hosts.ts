/** Git hosts offered by name, and the user name each expects with a token as password. */

/** How a token is sent as basic auth: the user name that goes with it. */
export type UsernameConvention = 'x-access-token' | 'oauth2' | 'name';

export interface IHostPreset {
  host: string;
  convention: UsernameConvention;
}

/** GitHub takes any user name with a token (`x-access-token` for app tokens); GitLab `oauth2`. */
export const HOST_PRESETS: readonly IHostPreset[] = [
  { host: 'github.com', convention: 'x-access-token' },
  { host: 'gitlab.com', convention: 'oauth2' }
];

/** The convention to suggest for a host (a named one's, else `x-access-token`). */
export function conventionFor(host: string): UsernameConvention {
  const name = hostName(host);
  return (
    HOST_PRESETS.find(preset => preset.host === name)?.convention ??
    (name.startsWith('gitlab.') ? 'oauth2' : 'x-access-token')
  );
}

/** `https://github.com:443/` -> `github.com`; the host part of what the user typed. */
export function hostName(host: string): string {
  return host
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .toLowerCase();
}

/** What to show for a credential's URL: the host, and the scheme only when it is not https. */
export function displayHost(url: string): string {
  return url.startsWith('https://') ? url.slice('https://'.length) : url;
}
