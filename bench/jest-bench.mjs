/**
 * Runs one TypeScript benchmark (`bench/NAME.bench.ts`) under jest, which compiles it and, where
 * the code needs one, provides the DOM; the benchmark prints its own figures. Exits with jest's
 * status.
 */
import { spawnSync } from 'child_process';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function runJestBench(name) {
  const result = spawnSync(
    'npx',
    [
      'jest',
      '--rootDir',
      root,
      '--testRegex',
      `bench/${name}\\.bench\\.ts$`,
      '--testTimeout',
      '3600000',
      '--reporters',
      'summary',
      '--silent'
    ],
    { cwd: root, stdio: 'inherit' }
  );
  process.exit(result.status ?? 1);
}
