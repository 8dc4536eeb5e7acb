#!/usr/bin/env node
// secretlint (recommended preset) driven the way the benchmark needs it:
//   node bench/secretlint-runner.mjs --jsonl FILE...  evaluator contract: {"id","text"} lines in,
//                                                     {"id","findings"} lines out
//   node bench/secretlint-runner.mjs FILE...          scan files; prints {"bytes","scanMs","findings","maxRssMiB"}
//   node bench/secretlint-runner.mjs --findings FILE... one {"path","line","rule","start","end"} line per
//                                                     finding (offsets into the file's text; no value)
// Given an input more than once, the later passes run warm; the stats name the fastest pass
// (as `jupyterlab-secret-mounts scan --stats` does). Uses @secretlint/core's lintSource, the
// library behind the secretlint CLI.
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { readFileSync } from 'node:fs';

const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] };

async function lint(content, filePath = 'sample.txt') {
  const result = await lintSource({
    source: { filePath, content, ext: '.txt', contentType: 'text' },
    options: { config, maskSecrets: true, noPhysicFilePath: true }
  });
  return result.messages;
}

const args = process.argv.slice(2);
if (args[0] === '--jsonl' && args.length > 1) {
  let scanMs = 0;
  let records = 0;
  let fastest = Infinity; // ms per record
  for (const input of args.slice(1)) {
    const lines = readFileSync(input, 'utf8').split('\n').filter(line => line.trim());
    const out = [];
    let passMs = 0;
    for (const line of lines) {
      const { id, text } = JSON.parse(line);
      const started = performance.now();
      const messages = await lint(text);
      passMs += performance.now() - started;
      out.push(JSON.stringify({ id, findings: messages.map(m => ({ ruleId: m.ruleId, range: m.range })) }));
    }
    process.stdout.write(`${out.join('\n')}\n`);
    scanMs += passMs;
    records += lines.length;
    fastest = Math.min(fastest, passMs / lines.length);
  }
  process.stderr.write(
    `stats: ${records} records, scan ${scanMs.toFixed(1)} ms (${(records / (scanMs / 1000)).toFixed(0)} records/s; ` +
      `fastest input ${(1000 / fastest).toFixed(0)} records/s)\n`
  );
} else if (args[0] === '--findings') {
  for (const file of args.slice(1)) {
    for (const m of await lint(readFileSync(file, 'utf8'), file)) {
      const [start, end] = m.range;
      process.stdout.write(`${JSON.stringify({ path: file, line: m.loc.start.line, rule: m.ruleId, start, end })}\n`);
    }
  }
} else if (args.length > 0 && !args[0].startsWith('-')) {
  let best = null;
  for (const file of args) {
    const content = readFileSync(file, 'utf8');
    const started = performance.now();
    const messages = await lint(content, file);
    const scanMs = performance.now() - started;
    const pass = { bytes: Buffer.byteLength(content), scanMs, findings: messages.length };
    best ??= { ...pass, firstMs: scanMs };
    if (pass.bytes / scanMs > best.bytes / best.scanMs) {
      best = { ...pass, firstMs: best.firstMs };
    }
  }
  process.stdout.write(`${JSON.stringify({ ...best, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
} else {
  process.stderr.write('usage: secretlint-runner.mjs --jsonl FILE... | FILE...\n');
  process.exit(2);
}
