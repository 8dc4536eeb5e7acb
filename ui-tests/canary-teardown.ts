/**
 * After the whole browser run: no server log line and no saved file in a test server's notebook
 * folder may contain a value from its secrets root. (Reveal responses are allowed by policy; the
 * reveal audit line names user, folder and key only.)
 */
import * as path from 'path';

import { filesUnder, filesWithLeaks, profileRoot } from './tests/fixtures';

export default async function canaryTeardown(): Promise<void> {
  const problems = ['default', 'strict', 'noexec'].flatMap(profile => {
    const root = profileRoot(profile);
    const checked = [path.join(root, 'server.log'), ...filesUnder(path.join(root, 'notebooks'))];
    return filesWithLeaks(path.join(root, 'secrets'), checked, root).map(
      problem => `${problem} (${profile})`
    );
  });
  if (problems.length > 0) {
    throw new Error(`Secret values leaked:\n${problems.join('\n')}`);
  }
}
