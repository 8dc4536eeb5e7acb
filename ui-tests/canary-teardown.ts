/**
 * After the whole browser run: no server log line (its log file and its whole output) and no
 * saved file in a test server's notebook folder may contain a value from its secrets root.
 * (Reveal responses are allowed by policy; the reveal audit line names user, folder and key only.)
 */
import * as fs from 'fs';
import * as path from 'path';

import {
  filesUnder,
  filesWithLeaks,
  profileRoot,
  testRoot
} from './tests/fixtures';

export default async function canaryTeardown(): Promise<void> {
  // Every profile's server of this run (each rebuilds its folder when it starts).
  const profiles = fs.existsSync(testRoot())
    ? fs
        .readdirSync(testRoot(), { withFileTypes: true })
        .filter(entry => entry.isDirectory())
        .map(entry => entry.name)
    : [];
  const problems = profiles.flatMap(profile => {
    const root = profileRoot(profile);
    const checked = [
      path.join(root, 'server.log'),
      path.join(testRoot(), `${profile}.log`),
      ...filesUnder(path.join(root, 'notebooks')),
      // The git profile's HOME: git's config, and no ~/.git-credentials.
      ...filesUnder(path.join(root, 'home'))
    ];
    return filesWithLeaks(path.join(root, 'secrets'), checked, root).map(
      problem => `${problem} (${profile})`
    );
  });
  if (problems.length > 0) {
    throw new Error(`Secret values leaked:\n${problems.join('\n')}`);
  }
}
