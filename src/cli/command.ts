/**
 * What every CLI command shares: its exit codes, where it reads and writes,
 * its shape and the error for bad usage. `main.ts` dispatches to a table of
 * commands; the Kubernetes ones add their cluster flags (`kube-command.ts`).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The program's name, as users type it. */
export const PROGRAM = 'jupyterlab-secret-mounts';

/** Success: nothing found, or the work is done. */
export const EXIT_OK = 0;
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

/** One subcommand (its summary is in `main.ts`'s table, its help its own). */
export interface ICommand {
  /** Runs with the arguments after the subcommand name; resolves to the exit code. */
  run: (argv: string[], io: ICommandIO) => Promise<number>;
}

/**
 * A command line that cannot be run. Its message is shown as it is, so it
 * names options but never quotes their values.
 */
export class UsageError extends Error {}

/** The process's own streams. */
export function processIO(): ICommandIO {
  return {
    stdout: text => void process.stdout.write(text),
    stderr: text => void process.stderr.write(text),
    stdin: process.stdin
  };
}

/** The options a command accepts, as `parseArgs` takes them. */
export type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The first option in `argv` that `options` does not have, as typed but
 * without its value (`--name` of `--name=VALUE`, `-x` of `-xVALUE`): an error
 * may name it, since a value may have been typed where it does not belong.
 */
export function unknownOption(
  argv: string[],
  options: Options
): string | undefined {
  const { tokens } = parseArgs({
    args: argv,
    options,
    allowPositionals: true,
    strict: false,
    tokens: true
  });
  const token = tokens.find(
    token =>
      token.kind === 'option' &&
      !Object.prototype.hasOwnProperty.call(options, token.name)
  );
  return token?.kind === 'option' ? token.rawName : undefined;
}
