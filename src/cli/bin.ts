/** Entry point of the bundled CLI (`packages/cli/dist/cli.js`). */
import { setFlagsFromString } from 'node:v8';
import { main } from './main';
import { serveScanWorker } from './scan-pool';

// A scan keeps its text and findings while making much short-lived garbage,
// for which V8 grows the young generation to 16 MiB. Left at its first size it
// serves as well (measured: same speed) and a 5 MiB scan peaks 10 MB lower.
// Node 20's V8 reads this flag when the young generation would grow.
setFlagsFromString('--semi-space-growth-factor=1');

// The scan threads run this same script; only the main thread runs a command.
if (!serveScanWorker()) {
  runCommand();
}

function runCommand(): void {
  main(process.argv.slice(2)).then(
    code => {
      // Let pending output drain instead of calling process.exit().
      process.exitCode = code;
    },
    (error: unknown) => {
      // Never print the error itself: it could quote a scanned value.
      const kind = error instanceof Error ? error.name : typeof error;
      process.stderr.write(`jupyterlab-secret-mounts: unexpected ${kind}.\n`);
      process.exitCode = 2;
    }
  );
}
