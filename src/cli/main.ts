/**
 * `jupyterlab-secret-mounts <command> ...`: dispatches to the command table.
 * To add a command, import it and add it to `COMMANDS`.
 */
import { FRONTEND_VERSION } from '../version';
import {
  EXIT_OK,
  EXIT_ERROR,
  ICommand,
  ICommandIO,
  PROGRAM,
  processIO
} from './command';
import { scanCommand } from './scan';

/**
 * A command of the table: its one-line summary and how to get it. Commands
 * are loaded on first use, so that `scan` (run by pre-commit on every commit)
 * does not load the Kubernetes client.
 */
export interface ICommandEntry {
  summary: string;
  load: () => Promise<ICommand>;
}

export const COMMANDS: Record<string, ICommandEntry> = {
  scan: {
    summary: 'find credentials in notebooks, text files and folders',
    load: async () => scanCommand
  },
  audit: {
    summary:
      'list Secrets by metadata only, where workspaces mount them, and risky uses',
    load: async () =>
      (await import(/* webpackChunkName: "kube" */ './audit')).auditCommand
  },
  mount: {
    summary:
      'make a Secret appear as a folder in workspaces (PodDefault, Workspace patch, z2jh values)',
    load: async () =>
      (await import(/* webpackChunkName: "kube" */ './mount')).mountCommand
  },
  create: {
    summary:
      'create or update a Secret from files or stdin, labelled for the workspace UI',
    load: async () =>
      (await import(/* webpackChunkName: "kube" */ './create')).createCommand
  }
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map(name => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`
  );
  return `Usage: ${PROGRAM} <command> [options]

Commands:
${lines.join('\n')}

Run "${PROGRAM} <command> --help" for a command's options.
`;
}

/** Runs the command named by the first argument; resolves to the exit code. */
export async function main(
  argv: readonly string[],
  io: ICommandIO = processIO()
): Promise<number> {
  const [name, ...rest] = argv;
  if (
    name === undefined ||
    name === '-h' ||
    name === '--help' ||
    name === 'help'
  ) {
    (name === undefined ? io.stderr : io.stdout)(help());
    return name === undefined ? EXIT_ERROR : EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${FRONTEND_VERSION}\n`);
    return EXIT_OK;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name)
    ? COMMANDS[name]
    : undefined;
  if (command === undefined) {
    io.stderr(`${PROGRAM}: unknown command "${name}".\n\n${help()}`);
    return EXIT_ERROR;
  }
  return (await command.load()).run(rest, io);
}
