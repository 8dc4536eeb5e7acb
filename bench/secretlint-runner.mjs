#!/usr/bin/env node
// secretlint (recommended preset) driven the way the benchmark needs it:
//   node bench/secretlint-runner.mjs --jsonl FILE   evaluator contract: {"id","text"} lines in,
//                                                   {"id","findings"} lines out
//   node bench/secretlint-runner.mjs FILE           scan one file; prints {"bytes","scanMs","findings","maxRssMiB"}
// Uses @secretlint/core's lintSource, the library behind the secretlint CLI.
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
if (args[0] === '--jsonl') {
  const lines = readFileSync(args[1], 'utf8').split('\n').filter(line => line.trim());
  const out = [];
  let scanMs = 0;
  for (const line of lines) {
    const { id, text } = JSON.parse(line);
    const started = performance.now();
    const messages = await lint(text);
    scanMs += performance.now() - started;
    out.push(JSON.stringify({ id, findings: messages.map(m => ({ ruleId: m.ruleId, range: m.range })) }));
  }
  process.stdout.write(`${out.join('\n')}\n`);
  process.stderr.write(`stats: ${lines.length} records, scan ${scanMs.toFixed(1)} ms\n`);
} else if (args.length === 1) {
  const content = readFileSync(args[0], 'utf8');
  const started = performance.now();
  const messages = await lint(content, args[0]);
  const scanMs = performance.now() - started;
  process.stdout.write(
    `${JSON.stringify({
      bytes: Buffer.byteLength(content),
      scanMs,
      findings: messages.length,
      maxRssMiB: process.resourceUsage().maxRSS / 1024
    })}\n`
  );
} else {
  process.stderr.write('usage: secretlint-runner.mjs --jsonl FILE | FILE\n');
  process.exit(2);
}
