import { TranslationBundle } from '@jupyterlab/translation';

import { ISecretMount } from '../mounts/types';

/**
 * What every value looks like in the panel. Fixed length on purpose: a mask as long as the
 * value would tell an onlooker how long the secret is.
 */
export const MASK = '\u2022'.repeat(8);

/** Human size, e.g. `512 B`, `1.5 KiB`. */
export function formatSize(bytes: number, trans: TranslationBundle): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return trans.__('unknown size');
  }
  if (bytes < 1024) {
    return trans._n('%1 byte', '%1 bytes', bytes);
  }
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/**
 * Folders matching a filter: a folder whose name or path matches keeps all its keys, otherwise
 * only the keys whose name matches. Case-insensitive; an empty filter keeps everything.
 */
export function filterMounts(
  mounts: readonly ISecretMount[],
  query: string
): ISecretMount[] {
  const needle = query.trim().toLowerCase();
  if (!needle) {
    return [...mounts];
  }
  const result: ISecretMount[] = [];
  for (const mount of mounts) {
    if (
      mount.name.toLowerCase().includes(needle) ||
      mount.path.toLowerCase().includes(needle)
    ) {
      result.push(mount);
      continue;
    }
    const keys = mount.keys.filter(key =>
      key.name.toLowerCase().includes(needle)
    );
    if (keys.length > 0) {
      result.push({ ...mount, keys });
    }
  }
  return result;
}
