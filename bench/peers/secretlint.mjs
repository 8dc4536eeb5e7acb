// secretlint (recommended preset; an npm devDependency), through bench/secretlint-runner.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, listFiles, valueHash } from './common.mjs';

const RUNNER = join(ROOT, 'bench', 'secretlint-runner.mjs');

export const secretlint = {
  id: 'secretlint',
  label: 'secretlint (preset-recommend)',
  install: () => (existsSync(join(ROOT, 'node_modules', '@secretlint', 'core')) ? RUNNER : null),
  version: () => JSON.parse(readFileSync(join(ROOT, 'node_modules', '@secretlint', 'core', 'package.json'), 'utf8')).version,
  command: targets => ({ command: process.execPath, args: [RUNNER, '--findings', ...listFiles(targets)] }),
  okStatus: status => status === 0,
  parse(stdout) {
    const contents = new Map();
    const content = path => {
      if (!contents.has(path)) contents.set(path, readFileSync(path, 'utf8'));
      return contents.get(path);
    };
    return stdout
      .split('\n')
      .filter(line => line.trim())
      .map(line => JSON.parse(line))
      .map(f => ({ path: f.path, line: f.line, rule: f.rule, valueHash: valueHash(content(f.path).slice(f.start, f.end), f.path) }));
  }
};
