import { Scanner } from '../scanner';
import { IGuardSettings, PatternScan } from './types';

let scanner: Scanner | null = null;

/**
 * The pattern engine configured with the user's rule and allowlist settings.
 * An allowlist entry that is not a valid regular expression is left out (and
 * reported through `onInvalid`) instead of turning the guard off. With
 * `suppressions` false (the server's `allow_inline_suppression`), inline
 * suppression comments no longer hide findings, as on the server.
 */
export function createPatternScan(
  settings: Pick<IGuardSettings, 'disabledRules' | 'allowlist'>,
  onInvalid: (pattern: string) => void = () => undefined,
  suppressions = true
): PatternScan {
  // Built once: building compiles every rule.
  scanner ??= new Scanner();
  const allowlist = settings.allowlist.filter(source => {
    try {
      new RegExp(source);
      return true;
    } catch {
      onInvalid(source);
      return false;
    }
  });
  return scanner.prepare({
    disabledRules: settings.disabledRules,
    allowlist,
    suppressions
  });
}
