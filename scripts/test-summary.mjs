#!/usr/bin/env node
/**
 * The table at the end of scripts/test.sh: one row per suite (passed, failed, skipped, seconds),
 * counted from each suite's own report in REPORTS (see test.sh). Exits 1 when any suite failed:
 * a failed test, or a non-zero exit status with no report to explain it.
 *
 *   node scripts/test-summary.mjs REPORTS
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

const reports = process.argv[2];

const read = name => {
  const file = join(reports, name);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
};
const json = name => {
  const text = read(name);
  return text === null ? null : JSON.parse(text);
};

/** Counts per suite (given its exit status), from its report; null when it wrote none. */
const COUNTERS = {
  'static checks': () => {
    const lines = read('static.txt')?.split('\n').filter(Boolean);
    return (
      lines && {
        passed: lines.filter(line => line.startsWith('passed ')).length,
        failed: lines.filter(line => line.startsWith('failed ')).length,
        skipped: 0
      }
    );
  },
  jest: () => jest('jest.json'),
  // Skipped as a whole when the machine cannot build the real API server (it says why).
  'kube (real API server)': () =>
    read('kube-real.skipped') !== null
      ? { passed: 0, failed: 0, skipped: 1 }
      : sum(jest('kube-real.json'), junit('kube-real-pytest.xml')),
  pytest: () => junit('pytest.xml'),
  'pytest (collaboration)': () => junit('pytest-collab.xml'),
  // One check: the script stops at the first thing a user would find broken.
  packages: status => ({
    passed: status === 0 ? 1 : 0,
    failed: status === 0 ? 0 : 1,
    skipped: 0
  }),
  galata: () => playwright('galata.json'),
  demo: () => playwright('demo.json')
};

function junit(name) {
  const xml = read(name);
  if (xml === null) {
    return null;
  }
  const attribute = name =>
    Number(xml.match(new RegExp(`<testsuite [^>]*\\b${name}="(\\d+)"`))[1]);
  const failed = attribute('failures') + attribute('errors');
  const skipped = attribute('skipped');
  return { passed: attribute('tests') - failed - skipped, failed, skipped };
}

function jest(name) {
  const r = json(name);
  return (
    r && {
      passed: r.numPassedTests,
      // A test file that cannot even run has no failed test of its own.
      failed: r.numFailedTests + r.numRuntimeErrorTestSuites,
      skipped: r.numPendingTests + r.numTodoTests
    }
  );
}

/** Counts of two reports of one suite; null when either is missing. */
function sum(a, b) {
  return (
    a &&
    b && {
      passed: a.passed + b.passed,
      failed: a.failed + b.failed,
      skipped: a.skipped + b.skipped
    }
  );
}

function playwright(name) {
  const r = json(name);
  return (
    r && {
      // Passed on a retry (CI retries once) still counts as passed.
      passed: r.stats.expected + r.stats.flaky,
      // Errors outside tests: a server that did not start, a failed set-up or teardown.
      failed: r.stats.unexpected + (r.errors?.length ?? 0),
      skipped: r.stats.skipped
    }
  );
}

const rows = (read('suites.tsv') ?? '')
  .split('\n')
  .filter(Boolean)
  .map(line => {
    const [suite, status, seconds] = line.split('\t');
    let counts = null;
    try {
      counts = COUNTERS[suite]?.(Number(status)) ?? null;
    } catch {
      counts = null; // an unreadable report is no report
    }
    const unexplained =
      Number(status) !== 0 && (counts === null || counts.failed === 0);
    return {
      suite,
      status: Number(status),
      seconds: Number(seconds),
      counts,
      unexplained
    };
  });

const header = ['suite', 'passed', 'failed', 'skipped', 'seconds'];
const table = rows.map(r => [
  r.suite,
  String(r.counts?.passed ?? '?'),
  `${r.counts?.failed ?? '?'}${r.unexplained ? '*' : ''}`,
  String(r.counts?.skipped ?? '?'),
  String(r.seconds)
]);
const widths = header.map((h, i) =>
  Math.max(h.length, ...table.map(row => row[i].length))
);
const line = row =>
  row
    .map((cell, i) =>
      i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])
    )
    .join('  ');

const failed = rows.filter(r => r.status !== 0 || (r.counts?.failed ?? 0) > 0);
const out = ['', line(header), ...table.map(line)];
if (rows.some(r => r.unexplained)) {
  out.push(
    '* exited with a non-zero status that its report does not explain: see its output above'
  );
}
out.push(
  failed.length === 0
    ? `all ${rows.length} suites passed`
    : `FAILED: ${failed.map(r => r.suite).join(', ')}`
);
console.log(out.join('\n'));
process.exit(failed.length === 0 && rows.length > 0 ? 0 : 1);
