/** Entry point of the bundled CLI (`dist/cli.js`). */
import { main } from './main';

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
