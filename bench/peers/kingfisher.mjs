// Kingfisher (MongoDB; Rust and Vectorscan), from PyPI's kingfisher-bin, which ships the binary.
// Run with validation and update checks off and, where the machine allows, no network at all.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CACHE, VENV, ensurePythonPackage, valueHash } from './common.mjs';

const BIN = join(VENV, 'bin', 'kingfisher');

export const kingfisher = {
  id: 'kingfisher',
  label: 'Kingfisher',
  install: why => (ensurePythonPackage('kingfisher-bin==2.14.0', why) ? BIN : null),
  version: () => spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout.trim(),
  command: targets => ({
    command: BIN,
    args: [
      'scan',
      ...targets,
      '--no-validate',
      '--no-update-check',
      '--git-history',
      'none',
      '--no-dedup',
      '--format',
      'jsonl',
      '--quiet',
      '--rule-cache-dir',
      join(CACHE, 'kingfisher-rules')
    ]
  }),
  // 0: nothing found; 200: findings; 205: validated findings (never, with --no-validate).
  okStatus: status => status === 0 || status === 200 || status === 205,
  parse(stdout) {
    return stdout
      .split('\n')
      .filter(line => line.startsWith('{"rule"'))
      .map(line => JSON.parse(line))
      .map(({ rule, finding }) => ({
        path: finding.path,
        line: finding.line,
        rule: rule.id,
        valueHash: valueHash(finding.snippet, finding.path)
      }));
  }
};
