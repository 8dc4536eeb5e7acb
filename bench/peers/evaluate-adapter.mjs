#!/usr/bin/env node
// A peer under the labelled-corpus evaluator's contract (../shared/corpus/evaluate.mjs --cmd):
//   node bench/peers/evaluate-adapter.mjs PEER input.jsonl   ({"id","text"} lines in)
// prints one {"id","findings":[rule ids]} line per record. Each record becomes one .txt file in a
// temporary folder, and the peer scans the folder in one process, as it would a project.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PEERS, ours, scanWith } from './index.mjs';

const [id, input] = process.argv.slice(2);
const peer = [ours(), ...PEERS].find(p => p.id === id);
if (!peer || !input) {
  console.error(`usage: evaluate-adapter.mjs ${[ours(), ...PEERS].map(p => p.id).join('|')} input.jsonl`);
  process.exit(2);
}
const records = readFileSync(input, 'utf8')
  .split('\n')
  .filter(line => line.trim())
  .map(line => JSON.parse(line));
const folder = mkdtempSync(join(tmpdir(), `eval-${id}-`));
try {
  records.forEach((r, i) => writeFileSync(join(folder, `${i}.txt`), r.text));
  const run = scanWith(peer, [folder]);
  if (run.unavailable) {
    console.error(run.unavailable);
    process.exit(1);
  }
  const byFile = new Map();
  for (const f of run.findings) {
    const i = Number(basename(f.path, '.txt'));
    byFile.set(i, [...(byFile.get(i) ?? []), f.rule]);
  }
  process.stdout.write(records.map((r, i) => JSON.stringify({ id: r.id, findings: byFile.get(i) ?? [] })).join('\n') + '\n');
} finally {
  rmSync(folder, { recursive: true, force: true });
}
