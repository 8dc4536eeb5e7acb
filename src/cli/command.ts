/**
 * The shape of a CLI subcommand. `main.ts` dispatches to a table of these;
 * the Kubernetes commands (`kube-command.ts`) have the same shape.
 */

/** Exit codes shared by every command. */
export const EXIT_CLEAN = 0;
/** The command found something (credentials, risky uses). */
export const EXIT_FINDINGS = 1;
/** Bad usage, or something could not be read or written. */
export const EXIT_ERROR = 2;

/** Where a command reads and writes; tests pass their own. */
export interface ICommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
}

/** One subcommand: a one-line summary, its help text and its entry point. */
export interface ICommand {
  summary: string;
  usage: string;
  /** Runs with the arguments after the subcommand name; resolves to the exit code. */
  run: (argv: string[], io: ICommandIO) => Promise<number>;
}

/** The process's own streams. */
export function processIO(): ICommandIO {
  return {
    stdout: text => void process.stdout.write(text),
    stderr: text => void process.stderr.write(text),
    stdin: process.stdin
  };
}
