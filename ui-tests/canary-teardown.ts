/**
 * After the whole browser run: no server log line and no saved file in a test server's notebook
 * folder may contain a value from its secrets root. (Reveal responses are allowed by policy; the
 * reveal audit line names user, folder and key only.)
 */
import * as fs from 'fs';
import * as path from 'path';

import { canaryValues, leakedCanaries, profileRoot } from './tests/fixtures';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return filesUnder(full);
    }
    return entry.isFile() ? [full] : [];
  });
}

export default async function canaryTeardown(): Promise<void> {
  const problems: string[] = [];
  for (const profile of ['default', 'strict', 'noexec']) {
    const root = profileRoot(profile);
    const canaries = canaryValues(path.join(root, 'secrets'));
    const checked = [
      path.join(root, 'server.log'),
      ...filesUnder(path.join(root, 'notebooks'))
    ];
    for (const file of checked.filter(f => fs.existsSync(f))) {
      const leaked = leakedCanaries(fs.readFileSync(file, 'utf8'), canaries);
      if (leaked.length > 0) {
        problems.push(
          `${path.relative(root, file)} (${profile}) holds ${leaked.length} secret value(s)`
        );
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`Secret values leaked:\n${problems.join('\n')}`);
  }
}
