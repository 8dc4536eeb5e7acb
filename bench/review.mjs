#!/usr/bin/env node
// Shows unreviewed findings (from `node bench/notebooks.mjs --unreviewed FILE`) in context, for a
// person to judge and record in bench/verdicts/real-notebooks.jsonl:
//
//   node bench/review.mjs FILE [--tool ours] [--rule generic-credential] [--width 90]
//
// The value is located on its line by its keyed hash and shown with `width` characters either side,
// on this terminal only; nothing is written. Findings of one value in one notebook are shown once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileLines, valueHash } from './peers/common.mjs';
import { CORPUS_DIR } from './real-notebooks.mjs';

const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const width = Number(option('--width') ?? 90);
const findings = readFileSync(args[0], 'utf8')
  .split('\n')
  .filter(line => line.trim())
  .map(line => JSON.parse(line))
  .filter(f => !option('--tool') || f.tool === option('--tool'))
  .filter(f => !option('--rule') || f.rule === option('--rule'));

/**
 * Where on the line a value with this hash starts and ends. Candidates: runs between delimiters,
 * and their parts after '=' or ':'; on short lines, every substring.
 */
function locate(line, hash, path) {
  const matches = (start, end) => valueHash(line.slice(start, end), path) === hash;
  for (const run of line.matchAll(/[^\s"'<>(){}[\],;`]+/g)) {
    const cuts = [0, ...[...run[0].matchAll(/[=:]/g)].map(m => m.index + 1)];
    for (const cut of cuts) {
      const start = run.index + cut;
      if (matches(start, run.index + run[0].length)) return [start, run.index + run[0].length];
    }
  }
  if (line.length <= 4000) {
    for (let start = 0; start < line.length; start++) {
      for (let end = start + 1; end <= line.length; end++) if (matches(start, end)) return [start, end];
    }
  }
  return null;
}

const shown = new Set();
for (const f of findings) {
  const key = `${f.repo}\t${f.path}\t${f.valueHash}`;
  if (shown.has(key)) continue;
  shown.add(key);
  const file = join(CORPUS_DIR, f.repo.replace('/', '+'), f.path);
  const line = fileLines(file)[f.line - 1] ?? '';
  const at = locate(line, f.valueHash, file);
  const context = at
    ? `${line.slice(Math.max(0, at[0] - width), at[0])}【${line.slice(at[0], at[1])}】${line.slice(at[1], at[1] + width)}`
    : line.slice(0, 2 * width);
  console.log(`${f.tool} ${f.rule} ${f.repo} ${f.path}:${f.line}${f.cell === undefined ? '' : ` cell ${f.cell}`} ${f.valueHash}`);
  console.log(`    ${context.trim()}`);
}
