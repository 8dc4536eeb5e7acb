#!/usr/bin/env node
/**
 * Adversarial inputs: `node bench/adversarial.mjs [RULE_ID...]`.
 * Runs bench/adversarial.bench.ts under jest and prints, per rule, how the scan time grows from a
 * 256 KiB to a 1 MiB adversarial input; see that file for the inputs.
 */
import { runJestBench } from './jest-bench.mjs';

process.env.ADVERSARIAL_RULES = process.argv.slice(2).join(',');
runJestBench('adversarial');
