// Hand-made verdicts on findings in the real-notebook corpus, kept in bench/verdicts/real-notebooks.jsonl,
// one line per value found in one notebook (whichever tools found it):
//   {"repo": "owner/name", "path": "in/the/repo.ipynb", "line": 12, "cell": 3,
//    "valueHash": "…", "found": ["ours:generic-credential", "kingfisher:…"],
//    "verdict": "real-leak" | "false-alarm", "reason": "…", "leak": "optional id"}
// line is the line in the notebook file, cell the cell index where known. valueHash is the keyed hash
// of bench/peers/common.mjs: the value itself is never stored. "leak" names one secret that tools
// report with different spans (a prefix included or not), so it counts once.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ROOT } from './peers/common.mjs';
import { CORPUS_DIR } from './real-notebooks.mjs';

export const VERDICTS = join(ROOT, 'bench', 'verdicts', 'real-notebooks.jsonl');
const VERDICT_KINDS = new Set(['real-leak', 'false-alarm']);

/** Where a finding is in the corpus: its repository and path in it. */
export function corpusLocation(path) {
  const [folder, ...rest] = relative(CORPUS_DIR, path).split(sep);
  return { repo: folder.replace('+', '/'), path: rest.join('/') };
}

const keyOf = (repo, path, valueHash) => `${repo}\t${path}\t${valueHash}`;

export function loadVerdicts(file = VERDICTS) {
  const verdicts = new Map();
  if (!existsSync(file)) return verdicts;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const v = JSON.parse(line);
      if (!VERDICT_KINDS.has(v.verdict) || !v.reason || !v.valueHash) {
        throw new Error(`${file}:${i + 1}: a verdict needs valueHash, verdict (real-leak or false-alarm) and reason`);
      }
      verdicts.set(keyOf(v.repo, v.path, v.valueHash), v);
    });
  return verdicts;
}

/**
 * One tool's findings against the verdicts: the real leaks it found (by leak id), the false alarms
 * (distinct values per notebook, and findings), and what nobody has reviewed yet.
 */
export function judge(findings, verdicts) {
  const real = new Set();
  const falseValues = new Set();
  let falseFindings = 0;
  const unreviewed = new Map();
  for (const finding of findings) {
    const { repo, path } = corpusLocation(finding.path);
    const key = keyOf(repo, path, finding.valueHash);
    const verdict = verdicts.get(key);
    if (!verdict) {
      if (!unreviewed.has(key)) unreviewed.set(key, { ...finding, file: finding.path, repo, path });
    } else if (verdict.verdict === 'real-leak') {
      real.add(verdict.leak ?? key);
    } else {
      falseValues.add(key);
      falseFindings++;
    }
  }
  return { real, falseAlarms: falseValues.size, falseFindings, unreviewed: [...unreviewed.values()] };
}

/** Every real leak the verdicts know, by leak id. */
export function realLeaks(verdicts) {
  const leaks = new Set();
  for (const [key, v] of verdicts) if (v.verdict === 'real-leak') leaks.add(v.leak ?? key);
  return leaks;
}
