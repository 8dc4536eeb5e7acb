// Speed against the peers, for bench/notebooks.mjs: paired whole-process runs of every scanner
// (bench/peers) on the real-notebook corpus (bench/real-notebooks.mjs) and on the dense 5 MiB file
// (bench/dense-file.mjs).
//
// The machine is shared and its load changes by the second, so one run of each tool says little.
// After one untimed run of each tool, each round runs every tool once, one after the other, in an
// order that rotates from round to round. Each tool's wall and CPU time (user + system, from
// /usr/bin/time) are divided by ours in the same round, and the median of those paired ratios is
// reported, with the median and best times. A tool whose first timed run takes longer than `slow`
// seconds runs in the first round only. No test asserts any of this.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DENSE_FILE, writeDenseFile } from './dense-file.mjs';
import { ROOT, listFiles, runProcess } from './peers/common.mjs';
import { corpusFolders, corpusStatus } from './real-notebooks.mjs';

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/**
 * Reads every file once, so that no tool's first run pays for the disk, and runs each tool once
 * on the first file, untimed, so that none pays for building a cache of its own (Kingfisher's
 * compiled rule database, Betterleaks' compiled WebAssembly).
 */
function warmUp(tools, targets) {
  const files = listFiles(targets);
  for (const file of files) readFileSync(file);
  for (const { tool, handle } of tools) {
    const { command, args, env } = tool.command(files.slice(0, 1), handle);
    runProcess(command, args, { env });
  }
}

/**
 * Paired runs of `tools` (bench/peers contract, installed: `{ tool, handle }`) over `targets`;
 * `tools[0]` is the reference (ours). Returns per tool its runs `{ round, wall, cpu }`, paired
 * ratios to the reference, and why it did not run, if it did not.
 */
export function pairedSpeed(tools, targets, { rounds = 5, slow = 20 } = {}) {
  const loadBefore = loadavg()[0];
  warmUp(tools, targets);
  const results = tools.map(({ tool }) => ({ tool, runs: [], failed: null }));
  for (let round = 0; round < rounds; round++) {
    const order = results.map((_, i) => (i + round) % results.length);
    for (const i of order) {
      const result = results[i];
      const tooSlow = round > 0 && result.runs[0]?.wall > slow;
      if (result.failed || tooSlow) continue;
      const { command, args, env } = result.tool.command(targets, tools[i].handle);
      const run = runProcess(command, args, { env });
      if (run.error || !result.tool.okStatus(run.status)) {
        result.failed = run.error ? run.error.message : `exit status ${run.status}`;
        continue;
      }
      result.runs.push({ round, wall: run.wall, cpu: run.cpu });
    }
  }
  const reference = results[0];
  for (const result of results) {
    const ratios = key =>
      result.runs
        .map(run => [run, reference.runs.find(r => r.round === run.round)])
        .filter(([, ref]) => ref)
        .map(([run, ref]) => run[key] / ref[key]);
    result.wallRatio = median(ratios('wall'));
    result.cpuRatio = median(ratios('cpu'));
  }
  // The machine is shared: its 1-minute load average, before and after, says how much.
  results.load = [loadBefore, loadavg()[0]];
  return results;
}

/** The report's lines for one target. */
export function formatSpeed(title, results) {
  const load = results.load ? ` (load average ${fmt(results.load[0], 1)} -> ${fmt(results.load[1], 1)})` : '';
  const lines = [
    `### ${title}${load}`,
    `${'tool'.padEnd(30)} ${'runs'.padStart(4)} ${'wall s: median'.padStart(15)} ${'best'.padStart(6)} ${'cpu s: median'.padStart(14)} ${'best'.padStart(6)} ${'x ours: wall'.padStart(13)} ${'cpu'.padStart(6)}`
  ];
  for (const { tool, runs, failed, wallRatio, cpuRatio } of results) {
    if (runs.length === 0) {
      lines.push(`${tool.label.padEnd(30)} not run: ${failed ?? 'no run'}`);
      continue;
    }
    const walls = runs.map(r => r.wall);
    const cpus = runs.map(r => r.cpu);
    lines.push(
      `${tool.label.padEnd(30)} ${String(runs.length).padStart(4)} ${fmt(median(walls)).padStart(15)} ${fmt(Math.min(...walls)).padStart(6)} ` +
        `${fmt(median(cpus)).padStart(14)} ${fmt(Math.min(...cpus)).padStart(6)} ${fmt(wallRatio, 1).padStart(13)} ${fmt(cpuRatio, 1).padStart(6)}`
    );
  }
  return lines;
}

/**
 * The speed part of the report: paired runs of `tools` (bench/peers contract; ours first) on the
 * real-notebook corpus, when it is there, and on the dense file; then the speed targets.
 */
export function speedReport(tools, { rounds = 5, slow = 20 } = {}) {
  if (tools[0]?.id !== 'ours') return ['## Speed: not run (it compares every tool with ours, which was left out)'];
  const installed = tools.map(tool => {
    const why = {};
    const handle = tool.install(why);
    return { tool, handle, unavailable: handle ? null : (why.reason ?? 'not installed') };
  });
  const usable = installed.filter(t => !t.unavailable);
  const lines = [
    `## Speed: paired whole processes (${rounds} rounds, order rotated each round, no network)`,
    "x ours: the median over rounds of the tool's time divided by ours in the same round (2.0: it takes twice as long).",
    ...installed.filter(t => t.unavailable).map(t => `${t.tool.label}: not run (${t.unavailable})`)
  ];
  const targets = [];
  const status = corpusStatus();
  if (status.complete) {
    const results = pairedSpeed(usable, corpusFolders(), { rounds, slow });
    lines.push('', ...formatSpeed(`Real notebooks: ${status.files} notebooks, ${fmt(status.bytes / 1e6, 1)} MB`, results));
    const kingfisher = results.find(r => r.tool.id === 'kingfisher' && r.runs.length);
    if (kingfisher) {
      const met = kingfisher.wallRatio >= 2 ? 'met' : 'missed';
      targets.push(
        `real notebooks, wall at most half of Kingfisher's: Kingfisher takes ${fmt(kingfisher.wallRatio, 1)}x ours (${met}; CPU ${fmt(kingfisher.cpuRatio, 1)}x)`
      );
    }
  } else {
    lines.push('', `Real notebooks: not run (corpus ${status.files ?? 0} of ${status.expected}; node bench/real-notebooks.mjs build)`);
  }
  const results = pairedSpeed(usable, [writeDenseFile()], { rounds, slow });
  lines.push('', ...formatSpeed(`Dense file: ${DENSE_FILE.slice(ROOT.length + 1)} (one finding every ~200 bytes)`, results));
  // Another build of ours (notebooks.mjs --compare) is no peer.
  const peers = results.slice(1).filter(r => r.runs.length && !r.tool.id.startsWith('ours'));
  if (peers.length) {
    const closest = Math.min(...peers.map(r => r.wallRatio));
    const closestCpu = Math.min(...peers.map(r => r.cpuRatio));
    targets.push(
      `dense file, at least 5x faster than every peer (wall): the closest peer takes ${fmt(closest, 1)}x ours (${closest >= 5 ? 'met' : 'missed'}; CPU: ${fmt(closestCpu, 1)}x)`
    );
  }
  lines.push('', '### Speed targets', ...targets);
  return lines;
}
