/** Entry point of the bundled CLI (`packages/cli/dist/cli.js`). */
import { setFlagsFromString } from 'node:v8';
import { main } from './main';
import { serveScanWorker } from './scan-pool';

// A scan is a short-lived process in which compiling hot functions costs as
// much CPU as running them: TurboFan's compiles of functions with their callees
// inlined took about 0.3 s of a 1.4 s scan of 172 MB of notebooks, in every
// thread. Without inlining the scan takes about 10% less CPU, and a 5 MiB
// dense file as long (measured; bench/README.md).
setFlagsFromString('--no-turbo-inlining');

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
