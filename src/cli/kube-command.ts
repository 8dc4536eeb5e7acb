/**
 * What the Kubernetes commands (audit, mount, create) add to `command.ts`:
 * flag parsing that never echoes an argument's value, the cluster flags,
 * --help, and turning any error into one sentence and an exit code.
 */
import { parseArgs } from 'node:util';
import { KubeError } from '../kube/errors';
import type { IKubeOptions } from '../kube/session';
import {
  EXIT_ERROR,
  EXIT_OK,
  UsageError,
  unknownOption,
  type ICommand,
  type ICommandIO,
  type Options
} from './command';

export const CLUSTER_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'request-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies Options;

export const CLUSTER_USAGE = `Cluster options:
  --kubeconfig FILE        kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, or in-cluster)
  --context NAME           kubeconfig context to use
  -n, --namespace NAME     namespace (default: the context's, else "default")
  --request-timeout SECS   give up on a request after this long (default 30)
  -h, --help               show this help`;

/** A command line as `parseArgs` reads it with `options`. */
export type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{
    args: string[];
    options: T;
    allowPositionals: true;
    strict: true;
  }>
>;

/**
 * `parseArgs` with messages that name the offending option but never quote
 * an argument: a value may have been typed where it does not belong.
 */
function parseCommandLine<T extends Options>(
  argv: string[],
  options: T
): Parsed<T> {
  try {
    return parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      strict: true
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const unknown = unknownOption(argv, options);
    if (unknown === '--from-literal') {
      throw new UsageError(
        '--from-literal is not supported: a value on the command line ends up in shell history and process listings. Use --from-file KEY=PATH or --from-stdin KEY.'
      );
    }
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
      throw new UsageError(`Unknown option ${unknown}; see --help.`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(
        'An option is missing its value, or a flag was given a value; see --help.'
      );
    }
    throw new UsageError(
      'The command line could not be understood; see --help.'
    );
  }
}

/** The cluster flags, as options for `openSession`. */
export function clusterOptions(values: {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  'request-timeout'?: string;
}): IKubeOptions {
  let requestTimeoutMs: number | undefined;
  if (values['request-timeout'] !== undefined) {
    const seconds = Number(values['request-timeout']);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new UsageError(
        '--request-timeout takes a positive number of seconds.'
      );
    }
    requestTimeoutMs = seconds * 1000;
  }
  return {
    kubeconfig: values.kubeconfig,
    context: values.context,
    namespace: values.namespace,
    requestTimeoutMs
  };
}

/**
 * Run a command body; report any failure as one line on stderr (no stack
 * trace) and return the exit code.
 */
async function guard(
  io: ICommandIO,
  body: () => Promise<number>
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || error instanceof KubeError) {
      io.stderr(`error: ${error.message}\n`);
    } else {
      // Unexpected: say what kind of error, not its text (it could quote data).
      const name = error instanceof Error ? error.name : typeof error;
      io.stderr(
        `error: unexpected ${name}; nothing more is shown so that no secret value is printed.\n`
      );
    }
    return EXIT_ERROR;
  }
}

/**
 * A Kubernetes command: `body` runs on the command line parsed with
 * `options` (the cluster flags among them); --help prints `usage`; any
 * failure is one sentence on stderr and exit code 2.
 */
export function kubeCommand<T extends Options & typeof CLUSTER_OPTIONS>(
  options: T,
  usage: string,
  body: (commandLine: Parsed<T>, io: ICommandIO) => Promise<number>
): ICommand {
  return {
    run: (argv, io) =>
      guard(io, async () => {
        const commandLine = parseCommandLine(argv, options);
        // `in`: the flag is there, but a generic `values` type does not show it.
        if ('help' in commandLine.values && commandLine.values.help) {
          io.stdout(usage);
          return EXIT_OK;
        }
        return body(commandLine, io);
      })
  };
}
