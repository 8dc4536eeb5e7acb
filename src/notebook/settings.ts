import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { DEFAULT_GUARD_SETTINGS, IGuardSettings } from './types';

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && v.length > 0)
    : [];
}

/**
 * The guard settings from the composite settings of `schema/guard.json`, with
 * defaults for anything missing or of the wrong type (the schema validates, but
 * a bad override must not stop the guard).
 */
export function readGuardSettings(
  composite: ReadonlyPartialJSONObject
): IGuardSettings {
  const flag = (name: keyof IGuardSettings): boolean =>
    typeof composite[name] === 'boolean'
      ? (composite[name] as boolean)
      : (DEFAULT_GUARD_SETTINGS[name] as boolean);
  const debounce = composite.debounce;
  return {
    enabled: flag('enabled'),
    disabledRules: strings(composite.disabledRules),
    allowlist: strings(composite.allowlist),
    scanOutputs: flag('scanOutputs'),
    maskOutputs: flag('maskOutputs'),
    debounce:
      typeof debounce === 'number' && Number.isFinite(debounce)
        ? Math.min(5000, Math.max(50, debounce))
        : DEFAULT_GUARD_SETTINGS.debounce
  };
}
