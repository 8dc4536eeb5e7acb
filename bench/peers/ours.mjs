// jupyterlab-secret-mounts' own CLI (packages/cli/dist/cli.js, built when missing), as one of the peers.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, fileLines, spanText, valueHash } from './common.mjs';

export const CLI = join(ROOT, 'packages', 'cli', 'dist', 'cli.js');

/** Our scanner; `cli` may name another build (for instance the engine before a change). */
export function ours(cli = CLI) {
  return {
    id: 'ours',
    label: 'jupyterlab-secret-mounts',
    install() {
      if (cli === CLI && !existsSync(CLI)) {
        execFileSync('npm', ['run', 'build:cli'], { cwd: ROOT, stdio: 'inherit' });
      }
      return existsSync(cli) ? cli : null;
    },
    version: () => execFileSync('git', ['describe', '--always', '--dirty'], { cwd: ROOT, encoding: 'utf8' }).trim(),
    command: targets => ({ command: process.execPath, args: [cli, 'scan', '--format', 'json', ...targets] }),
    okStatus: status => status === 0 || status === 1,
    parse(stdout) {
      return JSON.parse(stdout).findings.map(f => {
        const line = f.fileLine ?? f.line;
        const value = spanText(fileLines(f.path), line, f.fileColumn ?? f.column, f.fileEndLine ?? line, f.fileEndColumn);
        return { path: f.path, line, rule: f.ruleId, valueHash: valueHash(value, f.path), cell: f.cellIndex };
      });
    }
  };
}
