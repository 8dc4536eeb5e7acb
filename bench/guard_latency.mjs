#!/usr/bin/env node
/**
 * Frontend guard latency: `node bench/guard_latency.mjs`.
 * Runs bench/guard_latency.bench.ts under jest (JupyterLab's notebook model needs its DOM
 * environment) and prints the figures; see that file for what is measured.
 */
import { spawnSync } from 'child_process';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync(
  'npx',
  [
    'jest',
    '--rootDir',
    root,
    '--testRegex',
    'bench/guard_latency\\.bench\\.ts$',
    '--testTimeout',
    '600000',
    '--reporters',
    'summary',
    '--silent'
  ],
  { cwd: root, stdio: 'inherit' }
);
process.exit(result.status ?? 1);
