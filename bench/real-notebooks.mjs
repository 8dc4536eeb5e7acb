#!/usr/bin/env node
// The real-notebook corpus: public .ipynb files exported from git mirrors of public repositories
// into bench/.corpus/real-notebooks/ (git ignores it), listed in bench/real-notebooks.manifest.tsv
// (repo, commit, path, blob, bytes) so anyone can rebuild the same files.
//
//   node bench/real-notebooks.mjs build  [--mirrors DIR]   export the files the manifest lists
//   node bench/real-notebooks.mjs select [--mirrors DIR] [--per-repo N]
//                                                          choose files afresh from the mirrors'
//                                                          HEADs and rewrite the manifest
//   node bench/real-notebooks.mjs status                   is the corpus here, and complete?
//
// A mirror is any git directory of the repository (bare or not) at MIRRORS/<owner>+<name>/repo,
// the layout the `fetch` tool of the development sessions leaves in /work/.mirror; a
// `git clone --bare https://github.com/OWNER/NAME MIRRORS/OWNER+NAME/repo` does as well.
// CI has neither, so the corpus is a bench input only, never a test input.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = join(ROOT, 'bench', '.corpus', 'real-notebooks');
export const MANIFEST = join(ROOT, 'bench', 'real-notebooks.manifest.tsv');
const DEFAULT_MIRRORS = '/work/.mirror';

/**
 * Tutorials, cookbooks and API-heavy examples (cloud SDKs, LLM APIs, vector databases, MLOps),
 * and notebooks with rich HTML/JS outputs (Altair/Vega, Plotly, Leaflet, Bokeh).
 */
const REPOS = [
  'anthropics/anthropic-cookbook',
  'google-gemini/cookbook',
  'mistralai/cookbook',
  'Azure-Samples/openai',
  'pinecone-io/examples',
  'weaviate/recipes',
  'huggingface/notebooks',
  'GoogleCloudPlatform/generative-ai',
  'aws/amazon-sagemaker-examples',
  'aws-samples/amazon-bedrock-workshop',
  'Azure/azureml-examples',
  'kubeflow/examples',
  'wandb/examples',
  'altair-viz/altair_notebooks',
  'jupyter-widgets/ipyleaflet',
  'holoviz/hvplot',
  'bmabey/pyLDAvis',
  'mwouts/itables',
  'shap/shap',
  'geopandas/geopandas',
  'pycaret/pycaret',
  'jakevdp/PythonDataScienceHandbook',
  'ageron/handson-ml2',
  'ipython-books/cookbook-2nd-code',
  'guipsamora/pandas_exercises',
  'Nixtla/statsforecast'
];

/** Files the fetch snapshots leave out (4 MiB and more) and stubs that only link elsewhere. */
const MAX_BYTES = 4 * 1024 * 1024 - 1;
const MIN_BYTES = 1024;

function git(gitDir, args, options = {}) {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 1 << 30, ...options });
}

/** The git directory of a mirror: MIRRORS/owner+name/repo, bare or with a .git inside. */
function mirrorGitDir(mirrors, repo) {
  const base = join(mirrors, repo.replace('/', '+'), 'repo');
  for (const dir of [join(base, '.git'), base]) {
    if (existsSync(join(dir, 'HEAD'))) return dir;
  }
  return null;
}

/** Where one manifest entry is exported. */
export function corpusPath(entry) {
  return join(CORPUS_DIR, entry.repo.replace('/', '+'), entry.path);
}

export function readManifest() {
  if (!existsSync(MANIFEST)) return [];
  return readFileSync(MANIFEST, 'utf8')
    .split('\n')
    .filter(line => line && !line.startsWith('#') && !line.startsWith('repo\t'))
    .map(line => {
      const [repo, commit, path, blob, bytes] = line.split('\t');
      return { repo, commit, path, blob, bytes: Number(bytes) };
    });
}

function writeManifest(entries) {
  const lines = entries.map(e => [e.repo, e.commit, e.path, e.blob, e.bytes].join('\t'));
  const header = [
    '# Real-notebook corpus: rebuild with `node bench/real-notebooks.mjs build` (see bench/README.md).',
    'repo\tcommit\tpath\tblob\tbytes'
  ];
  writeFileSync(MANIFEST, `${[...header, ...lines].join('\n')}\n`);
}

/** A stable pseudo-random order, so a selection is the same on every machine. */
const order = (repo, path) => createHash('sha256').update(`${repo}:${path}`).digest('hex');

/**
 * Outputs that embed scripts (visualisation libraries inline minified JavaScript) or signed
 * URLs: the shapes that make scanners noisy on real notebooks, so the selection takes them first.
 */
const RICH = [/<script/g, /X-(?:Goog|Amz)-Credential|[?&]Signature=/g];
function hasRichOutput(gitDir, blob) {
  const text = git(gitDir, ['cat-file', 'blob', blob], { encoding: 'utf8' });
  return (text.match(RICH[0]) ?? []).length >= 3 || RICH[1].test(text);
}

/** Up to `perRepo` notebooks from each mirror's HEAD: rich outputs first, then a stable pseudo-random order. */
function select(mirrors, perRepo) {
  const entries = [];
  const missing = [];
  for (const repo of REPOS) {
    const gitDir = mirrorGitDir(mirrors, repo);
    if (!gitDir) {
      missing.push(repo);
      continue;
    }
    const commit = git(gitDir, ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const notebooks = git(gitDir, ['ls-tree', '-r', '-l', '-z', commit], { encoding: 'utf8' })
      .split('\0')
      .map(line => /^\d+ blob ([0-9a-f]+)\s+(\d+)\t(.*)$/s.exec(line))
      .filter(m => m && m[3].endsWith('.ipynb') && !m[3].includes('.ipynb_checkpoints/'))
      .map(m => ({ repo, commit, path: m[3], blob: m[1], bytes: Number(m[2]) }))
      .filter(e => e.bytes >= MIN_BYTES && e.bytes <= MAX_BYTES);
    // Snapshots may lack some blobs: keep the ones this mirror can export.
    const answers = git(gitDir, ['cat-file', '--batch-check'], {
      input: notebooks.map(e => e.blob).join('\n') + '\n',
      encoding: 'utf8'
    }).split('\n');
    const candidates = notebooks
      .filter((_, i) => !answers[i].endsWith(' missing'))
      .map(e => ({ ...e, key: `${hasRichOutput(gitDir, e.blob) ? 0 : 1}${order(repo, e.path)}` }))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map(({ key: _key, ...e }) => e)
      .slice(0, perRepo)
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    entries.push(...candidates);
  }
  return { entries, missing };
}

/** Exports each entry's blob; returns the repos whose mirror is absent or lacks the blob. */
function build(mirrors, entries) {
  const missing = new Set();
  for (const entry of entries) {
    const target = corpusPath(entry);
    if (existsSync(target) && statSync(target).size === entry.bytes) continue;
    const gitDir = mirrorGitDir(mirrors, entry.repo);
    if (!gitDir) {
      missing.add(entry.repo);
      continue;
    }
    let data;
    try {
      data = git(gitDir, ['cat-file', 'blob', entry.blob], { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      missing.add(`${entry.repo}@${entry.commit}`);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  return [...missing];
}

/** Files and bytes of the corpus present on disk, against the manifest. */
export function corpusStatus() {
  const entries = readManifest();
  let files = 0;
  let bytes = 0;
  for (const entry of entries) {
    const path = corpusPath(entry);
    if (existsSync(path) && statSync(path).size === entry.bytes) {
      files++;
      bytes += entry.bytes;
    }
  }
  return { expected: entries.length, files, bytes, complete: entries.length > 0 && files === entries.length };
}

/** The corpus's repository folders (owner+name), for tools that take folders. */
export function corpusFolders() {
  return existsSync(CORPUS_DIR) ? readdirSync(CORPUS_DIR).map(name => join(CORPUS_DIR, name)) : [];
}

export const ABSENT_MESSAGE =
  'The real-notebook corpus is not on this machine (bench/.corpus/real-notebooks). It is built from git ' +
  'mirrors of public repositories, which CI does not have: `node bench/real-notebooks.mjs build ' +
  '--mirrors DIR` (see bench/README.md).';

function main() {
  const [command = 'status', ...rest] = process.argv.slice(2);
  let mirrors = DEFAULT_MIRRORS;
  let perRepo = 40;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--mirrors') mirrors = resolve(rest[++i]);
    else if (rest[i] === '--per-repo') perRepo = Number(rest[++i]);
    else throw new Error(`unknown argument ${rest[i]}`);
  }
  if (command === 'select') {
    const { entries, missing } = select(mirrors, perRepo);
    writeManifest(entries);
    if (missing.length) console.log(`no mirror (skipped): ${missing.join(', ')}`);
    console.log(`manifest: ${entries.length} notebooks from ${REPOS.length - missing.length} repositories`);
  }
  if (command === 'select' || command === 'build') {
    const missing = build(mirrors, readManifest());
    if (missing.length) {
      console.log(`not exported, fetch these first: ${missing.join(', ')}`);
    }
  } else if (command !== 'status') {
    console.error('usage: node bench/real-notebooks.mjs build|select|status [--mirrors DIR] [--per-repo N]');
    process.exit(2);
  }
  const status = corpusStatus();
  console.log(
    status.files
      ? `corpus: ${status.files} of ${status.expected} notebooks, ${(status.bytes / 1e6).toFixed(1)} MB in ${CORPUS_DIR}`
      : ABSENT_MESSAGE
  );
  process.exit(status.complete ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
