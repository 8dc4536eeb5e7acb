// What every scanner runner in bench/peers shares: the Python tools' virtual environment, running a
// scanner as a whole process with the network cut off, and findings in one shape:
//   { path, line, rule, valueHash }
// path as the tool was given it, line 1-based in the file, rule the tool's own id, valueHash a keyed
// hash of the matched value (see valueHash). No value leaves a runner.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The Python scanners' environment and pip's wheel cache; git ignores both. */
export const VENV = join(ROOT, 'bench', '.venv');
const WHEELS = join(ROOT, 'bench', '.cache', 'wheels');
export const CACHE = join(ROOT, 'bench', '.cache');

/**
 * A keyed hash of a matched value, to join one tool's finding to another's and to the stored
 * verdicts without keeping the value. A value found in a notebook's raw JSON is JSON-unescaped
 * first, so a tool reading the file as text and one reading cells hash the same string.
 */
const HASH_KEY = 'jupyterlab-secret-mounts bench verdicts v1';
export function valueHash(value, path = '') {
  let text = value;
  if (path.endsWith('.ipynb') && text.includes('\\')) {
    try {
      text = JSON.parse(`"${text}"`);
    } catch {
      // Not a whole JSON string body (the tool's span cut an escape): hash it as found.
    }
  }
  return createHmac('sha256', HASH_KEY).update(text).digest('hex').slice(0, 16);
}

/** Reads the text between two 1-based (line, column) places of a file, end column exclusive. */
export function spanText(lines, line, column, endLine, endColumn) {
  if (line === endLine) return (lines[line - 1] ?? '').slice(column - 1, endColumn - 1);
  const parts = [(lines[line - 1] ?? '').slice(column - 1)];
  for (let l = line + 1; l < endLine; l++) parts.push(lines[l - 1] ?? '');
  parts.push((lines[endLine - 1] ?? '').slice(0, endColumn - 1));
  return parts.join('\n');
}

/** A file's lines, read once per run. */
const linesCache = new Map();
export function fileLines(path) {
  let lines = linesCache.get(path);
  if (!lines) {
    lines = readFileSync(path, 'utf8').split('\n');
    linesCache.set(path, lines);
  }
  return lines;
}

/** The files under the given paths (folders walked; .git and node_modules skipped), sorted. */
export function listFiles(targets) {
  const files = [];
  const walk = path => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name !== '.git' && name !== 'node_modules') walk(join(path, name));
      }
    } else if (stat.isFile()) {
      files.push(path);
    }
  };
  targets.forEach(walk);
  return files;
}

/**
 * Installs a PyPI package into bench/.venv. Wheels are kept in bench/.cache/wheels, so a later
 * install (a fresh venv, another worktree's copy of the cache) needs no network. Returns null when
 * it will not install, with the reason in `why`.
 */
export function ensurePythonPackage(requirement, why = {}) {
  const python = join(VENV, 'bin', 'python');
  if (!existsSync(python)) {
    const venv = spawnSync('python3', ['-m', 'venv', VENV], { encoding: 'utf8' });
    if (venv.status !== 0) {
      why.reason = `python3 -m venv failed: ${lastLine(venv.stderr)}`;
      return null;
    }
  }
  const name = requirement.split(/[=<>]/)[0];
  const shown = spawnSync(python, ['-m', 'pip', 'show', '-q', name], { encoding: 'utf8' });
  if (shown.status === 0) return python;
  mkdirSync(WHEELS, { recursive: true });
  const pip = args => spawnSync(python, ['-m', 'pip', '-q', ...args], { encoding: 'utf8' });
  let install = pip(['install', '--no-index', '--find-links', WHEELS, requirement]);
  if (install.status !== 0) {
    const download = pip(['download', '-d', WHEELS, requirement]);
    install = download.status === 0 ? pip(['install', '--no-index', '--find-links', WHEELS, requirement]) : download;
  }
  if (install.status !== 0) {
    why.reason = `pip install ${requirement} failed: ${lastLine(install.stderr)}`;
    return null;
  }
  return python;
}

const lastLine = text => (text || '').trim().split('\n').pop() ?? '';

/** Whether this machine can run a process in a network namespace of its own (no network). */
let unshareWorks;
function canUnshare() {
  unshareWorks ??= spawnSync('unshare', ['-n', 'true']).status === 0;
  return unshareWorks;
}

/**
 * Runs a scanner as a whole process: with no network where `unshare -n` works (the tools are also
 * told not to validate or check for updates), under /usr/bin/time -v for CPU and peak memory.
 */
export function runProcess(command, args, options = {}) {
  const argv = canUnshare() ? ['unshare', '-n', command, ...args] : [command, ...args];
  const time = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-v'] : [];
  const full = [...time, ...argv];
  const started = process.hrtime.bigint();
  const run = spawnSync(full[0], full.slice(1), {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    cwd: ROOT,
    ...options,
    env: { ...process.env, ...options.env }
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const field = name => Number(new RegExp(`${name}: ([0-9.]+)`).exec(run.stderr ?? '')?.[1] ?? NaN);
  return {
    status: run.status,
    error: run.error,
    stdout: run.stdout ?? '',
    stderr: run.stderr ?? '',
    wall,
    cpu: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
    rssMiB: field('Maximum resident set size \\(kbytes\\)') / 1024,
    offline: canUnshare()
  };
}

/**
 * Scans the given files or folders with one peer (see index.mjs): installs it when needed, runs it
 * once, and returns { findings, wall, cpu, rssMiB, version } or { unavailable: reason }.
 */
export function scanWith(peer, targets) {
  const why = {};
  const installed = peer.install(why);
  if (!installed) return { unavailable: why.reason ?? 'not installed' };
  const { command, args, env } = peer.command(targets, installed);
  const run = runProcess(command, args, { env });
  if (run.error || !peer.okStatus(run.status)) {
    const message = run.error ? run.error.message : lastLine(run.stderr.replace(/\n\s*Command being timed[\s\S]*$/, ''));
    return { unavailable: `${peer.id} exited with ${run.status}: ${message}` };
  }
  return { ...run, findings: peer.parse(run.stdout, targets), version: peer.version(installed) };
}
