// The dense 5 MiB text file: every sample of the labelled dev corpus, in order, repeated until
// 5 MiB (one finding every ~200 bytes), written to bench/results/corpus-5mib.txt. A stress input
// for throughput: no real notebook is this dense.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DENSE_FILE = join(ROOT, 'bench', 'results', 'corpus-5mib.txt');
const MIB = 1024 * 1024;

/** The dev corpus: shared/ beside the checkout, or beside its parent folder (a worktree). */
export function devCorpus() {
  const candidates = [join(ROOT, '..', 'shared'), join(ROOT, '..', '..', 'shared')].map(folder =>
    join(folder, 'corpus', 'dev.jsonl')
  );
  return candidates.find(existsSync) ?? candidates[0];
}

/** The labelled samples of a corpus file (JSON lines with a "text"). */
export function readSamples(corpus) {
  return readFileSync(corpus, 'utf8')
    .split('\n')
    .filter(line => line.trim())
    .map(line => JSON.parse(line));
}

/** One text of the samples (all of them, in order, repeated), at least `bytes` long. */
export function denseText(samples, bytes = 5 * MIB) {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const text = samples[i % samples.length].text;
    parts.push(text);
    size += Buffer.byteLength(text) + 2;
  }
  return parts.join('\n\n') + '\n';
}

/** Writes the dense file from `corpus` and returns its path. */
export function writeDenseFile(corpus = devCorpus()) {
  mkdirSync(dirname(DENSE_FILE), { recursive: true });
  writeFileSync(DENSE_FILE, denseText(readSamples(corpus)));
  return DENSE_FILE;
}
