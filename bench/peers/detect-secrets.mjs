// detect-secrets (Yelp), from PyPI, through its library with its default plugins and filters
// (detect_secrets_runner.py), one file at a time as `detect-secrets scan --all-files` does.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePythonPackage, listFiles, valueHash } from './common.mjs';

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'detect_secrets_runner.py');

export const detectSecrets = {
  id: 'detect-secrets',
  label: 'detect-secrets',
  install: why => ensurePythonPackage('detect-secrets==1.5.0', why),
  version: python =>
    spawnSync(python, ['-c', "import importlib.metadata as m; print(m.version('detect-secrets'))"], { encoding: 'utf8' }).stdout.trim(),
  command: (targets, python) => ({ command: python, args: [RUNNER, ...listFiles(targets)] }),
  okStatus: status => status === 0,
  parse(stdout) {
    return stdout
      .split('\n')
      .filter(line => line.trim())
      .map(line => JSON.parse(line))
      .map(f => ({ path: f.path, line: f.line, rule: f.rule, valueHash: valueHash(f.value, f.path) }));
  }
};
