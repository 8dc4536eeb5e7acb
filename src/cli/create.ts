/**
 * `jupyterlab-secret-mounts create NAME`: create or update a Secret from
 * files, folders or standard input, labelled so the Kubeflow Notebooks 2.0
 * workspace UI offers it. Values never come from the command line and are
 * never printed: output names keys and sizes only.
 */
import { KubeError } from '../kube/errors';
import { assertSecretName } from '../kube/mount-plan';
import {
  readSecretData,
  parseFileSource,
  parseStdinSource,
  type ByteSource,
  type SecretSource
} from '../kube/secret-data';
import { ownerReference, parseOwner } from '../kube/owners';
import { parseHostAnnotation } from '../kube/git-secrets';
import {
  CAN_MOUNT,
  CAN_UPDATE,
  createOrUpdateSecret,
  GIT_HOST_ANNOTATION,
  secretManifest
} from '../kube/secret-write';
import { openSession } from '../kube/session';
import { EXIT_OK, UsageError, type ICommandIO } from './command';
import {
  CLUSTER_OPTIONS,
  CLUSTER_USAGE,
  clusterOptions,
  kubeCommand,
  type Parsed
} from './kube-command';

const OPTIONS = {
  ...CLUSTER_OPTIONS,
  'from-file': { type: 'string', multiple: true },
  'from-stdin': { type: 'string' },
  type: { type: 'string' },
  label: { type: 'string', multiple: true },
  overwrite: { type: 'boolean' },
  owner: { type: 'string' },
  'git-host': { type: 'string' },
  'dry-run': { type: 'boolean' }
} as const;

const USAGE = `Usage: jupyterlab-secret-mounts create NAME [options]

Create the Secret NAME, or replace its values if it exists, labelled
${CAN_MOUNT}=true and ${CAN_UPDATE}=true so that the
Kubeflow workspace UI offers it. Values are read from files or standard input,
never from the command line, and are never printed.

Options:
  --from-file [KEY=]PATH   a file (key: its name, or KEY), or a folder (one key
                           per regular file in it); repeatable
  --from-stdin KEY         read the value of KEY from standard input, byte for
                           byte (use printf '%s' to avoid a trailing newline);
                           on a terminal it is read without echo
  --type TYPE              Secret type (default Opaque)
  --label KEY=VALUE        an extra label; repeatable
  --overwrite              replace a Secret that is not labelled ${CAN_UPDATE}
  --owner KIND/NAME        delete the Secret with this object of its namespace
                           (Pod, Workspace, Notebook, Deployment, StatefulSet,
                           Job, CronJob or ServiceAccount): sets an
                           ownerReference with the owner's uid, read from the
                           API, and blockOwnerDeletion
  --git-host HOST          mark it as a git credential for HOST (annotation
                           ${GIT_HOST_ANNOTATION}); audit reports such
                           Secrets when no workspace mounts them
  --dry-run                check the values and show what would be sent (keys
                           and sizes only), without contacting the cluster

There is no --from-literal: a value on the command line ends up in shell
history and process listings.

${CLUSTER_USAGE}
`;

function parseLabels(labels: string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const label of labels ?? []) {
    const match = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=([-A-Za-z0-9_.]*)$/.exec(
      label
    );
    if (!match) {
      throw new UsageError(
        '--label takes KEY=VALUE with a valid label key and value.'
      );
    }
    result[match[1]] = match[2];
  }
  return result;
}

/** Read one line from a terminal without echoing it. */
async function readHiddenLine(io: ICommandIO, key: string): Promise<Buffer> {
  const input = process.stdin;
  io.stderr(`Value for ${key} (not shown; press Enter to finish): `);
  input.setRawMode(true);
  input.resume();
  const bytes: number[] = [];
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const byte of chunk) {
          if (byte === 0x0d || byte === 0x0a) {
            input.off('data', onData);
            resolve(Buffer.from(bytes));
            return;
          }
          if (byte === 0x03 || byte === 0x04) {
            input.off('data', onData);
            reject(new KubeError('Cancelled; nothing was created.'));
            return;
          }
          if (byte === 0x7f || byte === 0x08) {
            bytes.pop();
          } else {
            bytes.push(byte);
          }
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    io.stderr('\n');
  }
}

async function run(
  { values, positionals }: Parsed<typeof OPTIONS>,
  io: ICommandIO
): Promise<number> {
  if (positionals.length !== 1) {
    throw new UsageError(
      'create takes one Secret name and reads values with --from-file or --from-stdin; see --help.'
    );
  }
  const name = positionals[0];
  assertSecretName(name);
  const sources: SecretSource[] = (values['from-file'] ?? []).map(
    parseFileSource
  );
  if (values['from-stdin'] !== undefined) {
    sources.push(parseStdinSource(values['from-stdin']));
  }
  const labels = parseLabels(values.label);
  const type = values.type ?? 'Opaque';
  if (values.owner !== undefined) {
    parseOwner(values.owner); // a bad --owner fails before any value is read
  }
  const annotations =
    values['git-host'] !== undefined
      ? { [GIT_HOST_ANNOTATION]: parseHostAnnotation(values['git-host']) }
      : undefined;

  const stdinKey = values['from-stdin'];
  const stdin: ByteSource =
    stdinKey !== undefined && io.stdin.isTTY && io.stdin === process.stdin
      ? (async function* () {
          yield await readHiddenLine(io, stdinKey);
        })()
      : io.stdin;
  const data = await readSecretData(sources, stdin, message =>
    io.stderr(`note: ${message}\n`)
  );
  const keys = [...data.entries()]
    .map(([key, value]) => `${key} (${value.length} bytes)`)
    .join(', ');

  if (values['dry-run']) {
    const namespace = values.namespace ?? '(the context namespace)';
    const owned = values.owner ? `, owned by ${values.owner}` : '';
    io.stdout(
      `Would create or update Secret ${name} of type ${type} in ${namespace}${owned} with ${data.size} key${data.size === 1 ? '' : 's'}: ${keys}.\n`
    );
    return EXIT_OK;
  }
  const session = openSession(clusterOptions(values));
  const owner =
    values.owner !== undefined
      ? await ownerReference(session, session.namespace, values.owner)
      : undefined;
  const manifest = secretManifest({
    name,
    namespace: session.namespace,
    type,
    data,
    labels,
    annotations,
    owner
  });
  const outcome = await createOrUpdateSecret(
    session,
    manifest,
    values.overwrite ?? false
  );
  io.stdout(
    `${outcome === 'created' ? 'Created' : 'Updated'} Secret ${session.namespace}/${name} with ${data.size} key${data.size === 1 ? '' : 's'}: ${keys}. Labelled ${CAN_MOUNT}=true and ${CAN_UPDATE}=true.${owner ? ` Owned by ${owner.kind} ${owner.name} (uid ${owner.uid}): deleted with it.` : ''}\n`
  );
  return EXIT_OK;
}

export const createCommand = kubeCommand(OPTIONS, USAGE, run);
