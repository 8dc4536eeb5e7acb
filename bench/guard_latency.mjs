#!/usr/bin/env node
/**
 * Frontend guard latency: `node bench/guard_latency.mjs`.
 * Runs bench/guard_latency.bench.ts under jest (JupyterLab's notebook model needs its DOM
 * environment) and prints the figures; see that file for what is measured.
 */
import { runJestBench } from './jest-bench.mjs';

runJestBench('guard_latency');
