#!/usr/bin/env node
// Quality on real notebooks: every scanner over the real-notebook corpus (bench/real-notebooks.mjs),
// each finding joined to the hand-made verdicts (bench/verdicts.mjs), per tool:
// real leaks found, false alarms, and findings nobody has reviewed (never silently counted).
//
//   node bench/notebooks.mjs [--only ours,kingfisher] [--unreviewed FILE] [--rounds 5] [--compare CLI]
//
// Then speed (bench/speed.mjs): paired whole-process wall and CPU of every tool against ours, on
// the corpus and on the dense 5 MiB file, in --rounds rounds (0: no speed part).
//
// --compare adds another build of our CLI (say main's, copied to /tmp) as one more tool, right
// after ours, so that a change is measured before and after in the same paired run.
// --unreviewed writes the findings without a verdict (location, tool, rule, value hash; no value)
// for bench/review.mjs. Wall and CPU are of one whole process per tool, run with no network.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PEERS, ours, scanWith } from './peers/index.mjs';
import { ROOT } from './peers/common.mjs';
import { ABSENT_MESSAGE, corpusFolders, corpusStatus } from './real-notebooks.mjs';
import { speedReport } from './speed.mjs';
import { judge, loadVerdicts, realLeaks } from './verdicts.mjs';

function parseArgs(argv) {
  const args = { only: null, unreviewed: null, rounds: 5, compare: null };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--only') args.only = argv[++i].split(',');
    else if (argv[i] === '--unreviewed') args.unreviewed = argv[++i];
    else if (argv[i] === '--rounds') args.rounds = Number(argv[++i]);
    else if (argv[i] === '--compare') args.compare = resolve(argv[++i]);
    else if (argv[i] === '-h' || argv[i] === '--help') {
      console.log('usage: node bench/notebooks.mjs [--only ours,kingfisher,...] [--unreviewed FILE] [--rounds N] [--compare CLI]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

/** Each tool's findings on the corpus, judged; the rows of the report. */
export function notebookQuality(tools = [ours(), ...PEERS]) {
  const verdicts = loadVerdicts();
  const targets = corpusFolders();
  return tools.map(tool => {
    const run = scanWith(tool, targets);
    return run.unavailable ? { tool, unavailable: run.unavailable } : { tool, run, ...judge(run.findings, verdicts) };
  });
}

function main() {
  const args = parseArgs(process.argv);
  const status = corpusStatus();
  if (!status.complete) {
    console.log(status.files ? `The real-notebook corpus is incomplete (${status.files} of ${status.expected}).` : '');
    console.log(ABSENT_MESSAGE);
    process.exit(status.files ? 1 : 0);
  }
  const compared = args.compare ? [{ ...ours(args.compare), id: 'ours-compared', label: `ours: ${args.compare}`.slice(0, 30) }] : [];
  const tools = [ours(), ...compared, ...PEERS].filter(t => !args.only || args.only.includes(t.id) || t.id === 'ours-compared');
  const known = realLeaks(loadVerdicts());
  const rows = notebookQuality(tools);
  const lines = [
    `# Real notebooks: ${status.files} notebooks, ${(status.bytes / 1e6).toFixed(1)} MB (bench/real-notebooks.manifest.tsv)`,
    `Verdicts: bench/verdicts/real-notebooks.jsonl (${known.size} real leaks known). One whole process per tool, no network.`,
    '',
    `${'tool'.padEnd(30)} ${'findings'.padStart(8)} ${'real leaks found'.padStart(17)} ${'false alarms'.padStart(13)} ${'(findings)'.padStart(10)} ${'unreviewed'.padStart(10)} ${'wall s'.padStart(7)} ${'cpu s'.padStart(6)}`
  ];
  const unreviewed = [];
  for (const row of rows) {
    if (row.unavailable) {
      lines.push(`${row.tool.label.padEnd(30)} not run: ${row.unavailable}`);
      continue;
    }
    unreviewed.push(...row.unreviewed.map(f => ({ tool: row.tool.id, ...f })));
    lines.push(
      `${row.tool.label.padEnd(30)} ${String(row.run.findings.length).padStart(8)} ${`${row.real.size} of ${known.size}`.padStart(17)} ` +
        `${String(row.falseAlarms).padStart(13)} ${String(row.falseFindings).padStart(10)} ${String(row.unreviewed.length).padStart(10)} ` +
        `${row.run.wall.toFixed(2).padStart(7)} ${row.run.cpu.toFixed(2).padStart(6)}`
    );
  }
  lines.push(
    '',
    'false alarms: distinct values per notebook judged false (findings: every finding of them); unreviewed: distinct',
    'values per notebook with no verdict yet, counted apart from both (review them: bench/review.mjs).'
  );
  console.log(lines.join('\n'));
  if (args.rounds > 0) {
    const speed = speedReport(tools, { rounds: args.rounds });
    console.log(['', ...speed].join('\n'));
    lines.push('', ...speed);
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'notebooks.txt'), `${lines.join('\n')}\n`);
  if (args.unreviewed) {
    writeFileSync(args.unreviewed, unreviewed.map(f => JSON.stringify(f)).join('\n') + (unreviewed.length ? '\n' : ''));
    console.log(`${unreviewed.length} unreviewed findings written to ${args.unreviewed}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
