/**
 * The CLI as shipped, for the end-to-end tests: packages/cli/dist/cli.js,
 * built when it is missing or older than its sources, run as a process.
 */
import { execFileSync, spawnSync } from 'child_process';
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

/** What one run of the CLI printed, and its exit status. */
export interface ICliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (see `ensureCli`) with `args` in `cwd`, `input` on its stdin. */
export function runCli(args: string[], cwd: string, input?: string): ICliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 26
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr
  };
}
