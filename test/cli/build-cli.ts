/**
 * Builds packages/cli/dist/cli.js for the end-to-end tests when it is missing
 * or older than its sources, so the tests always run the CLI as shipped.
 */
import { execFileSync } from 'child_process';
import { existsSync, readdirSync, statSync } from 'fs';
import { join } from 'path';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'packages', 'cli', 'dist', 'cli.js');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path).map(name => newest(join(path, name)))
  );
}

export function ensureCli(): string {
  const sources = [
    'src/cli',
    'src/scanner',
    'src/kube',
    'webpack.cli.config.js'
  ].map(p => join(ROOT, p));
  const stale =
    !existsSync(CLI) ||
    sources.some(
      source => existsSync(source) && newest(source) > statSync(CLI).mtimeMs
    );
  if (stale) {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'webpack-cli', 'bin', 'cli.js'),
        '--config',
        'webpack.cli.config.js'
      ],
      { cwd: ROOT, stdio: 'pipe' }
    );
  }
  return CLI;
}
