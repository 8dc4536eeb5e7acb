/**
 * `jupyterlab-secret-mounts mount SECRET --target ...`: produce, and with
 * `--apply` apply, what makes a Secret appear as a folder in workspaces.
 * The manifest goes to stdout (pipe it to kubectl or a values file); notes
 * go to stderr.
 */
import { promises as fs } from 'node:fs';
import { setHeaderOptions } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import {
  KubeError,
  httpStatusOf,
  toKubeError,
  type IKubeAction
} from '../kube/errors';
import {
  listCustomObjects,
  NOTEBOOKS,
  PODDEFAULTS,
  WORKSPACEKINDS,
  WORKSPACES
} from '../kube/list';
import {
  DEFAULT_MODE,
  assertNoCollision,
  assertSecretName,
  defaultMountPath,
  jupyterhubValues,
  normaliseMountPath,
  parseMode,
  podDefaultFor,
  podDefaultMounts,
  valuesForm,
  valuesMounts,
  workspaceMergePatch,
  workspaceMounts,
  type IMountSpec,
  type IWorkspaceLike,
  type ValuesForm
} from '../kube/mount-plan';
import { CAN_MOUNT, METADATA_ACCEPT } from '../kube/secret-write';
import { FIELD_MANAGER, openSession, type IKubeSession } from '../kube/session';
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
  target: { type: 'string', short: 't' },
  'mount-path': { type: 'string' },
  mode: { type: 'string' },
  workspace: { type: 'string', short: 'w' },
  name: { type: 'string' },
  label: { type: 'string' },
  notebook: { type: 'string', multiple: true },
  values: { type: 'string' },
  'values-form': { type: 'string' },
  output: { type: 'string', short: 'o' },
  apply: { type: 'boolean' }
} as const;

const USAGE = `Usage: jupyterlab-secret-mounts mount SECRET --target TARGET [options]

Make the Secret SECRET appear as a folder of files in workspaces. Prints the
manifest, patch or values (stdout); with --apply, applies it. Refuses a mount
path that collides with an existing mount.

Targets:
  poddefault    Kubeflow 1.x: a PodDefault users select under "Configurations"
                when they create a notebook (kubeflow.org/v1alpha1)
  workspace     Kubeflow Notebooks 2.0: a merge patch adding the Secret to
                spec.podTemplate.volumes.secrets[] of a Workspace
  kubespawner   JupyterHub (z2jh chart): singleuser.storage.extraVolumes and
                extraVolumeMounts values for "helm upgrade -f"

Options:
  -t, --target TARGET      poddefault, workspace or kubespawner
  --mount-path PATH        folder in the workspace (default /secrets/SECRET)
  --mode MODE              file mode, octal (default 0644, the Kubernetes default;
                           0440 keeps the files from other users when the pod
                           sets fsGroup)
  -w, --workspace NAME     the Workspace to patch (target workspace)
  --name NAME              PodDefault name (default mount-SECRET)
  --label KEY              PodDefault selector label (default mount-SECRET)
  --notebook NAME          Kubeflow 1.x: also give this existing Notebook the
                           Secret by labelling it (its pod restarts); repeatable
  --values FILE            your current z2jh values (target kubespawner), to
                           check collisions and keep list-form entries
  --values-form FORM       map (chart 4.3.0 and later; default) or list
  -o, --output FORMAT      yaml or json (default: yaml; json for the patch)
  --apply                  create the PodDefault / patch the Workspace

${CLUSTER_USAGE}
`;

type Target = 'poddefault' | 'workspace' | 'kubespawner';

function render(object: unknown, format: string): string {
  return format === 'json'
    ? `${JSON.stringify(object, null, 2)}\n`
    : yaml.dump(object, { noRefs: true, lineWidth: -1 });
}

/** Note on stderr whether the Secret exists and is offered by the Kubeflow 2.0 UI. Never fetches values. */
async function checkSecret(
  session: IKubeSession,
  spec: IMountSpec,
  io: ICommandIO,
  wantLabel: boolean
): Promise<void> {
  try {
    const found = await session.core.readNamespacedSecret(
      { namespace: spec.namespace, name: spec.secretName },
      setHeaderOptions('Accept', METADATA_ACCEPT)
    );
    if (wantLabel && found.metadata?.labels?.[CAN_MOUNT] !== 'true') {
      io.stderr(
        `note: Secret ${spec.secretName} is not labelled ${CAN_MOUNT}=true, so the workspace UI will not offer it (the controller mounts it all the same).\n`
      );
    }
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404) {
      io.stderr(
        `note: Secret ${spec.secretName} does not exist in namespace ${spec.namespace} yet; workspaces that mount it will not start until it does.\n`
      );
    } else if (status !== 403) {
      throw toKubeError(error, {
        verb: 'get',
        resource: 'secrets',
        name: spec.secretName,
        namespace: spec.namespace,
        server: session.server
      });
    }
  }
}

/**
 * A PodDefault acts when a pod is created, and only on pods carrying its
 * selector label. A Kubeflow 1.x notebook's pod takes its labels from the
 * Notebook, so an existing notebook gets the Secret only once the Notebook is
 * labelled: the controller then rolls its pod, and the new pod is mutated.
 */
async function labelNotebooks(
  session: IKubeSession,
  namespace: string,
  notebooks: string[],
  label: string,
  apply: boolean
): Promise<void> {
  for (const name of notebooks) {
    const action: IKubeAction = {
      verb: apply ? 'patch' : 'get',
      resource: NOTEBOOKS.plural,
      group: NOTEBOOKS.group,
      name,
      namespace,
      server: session.server
    };
    try {
      if (!apply) {
        await session.custom.getNamespacedCustomObject({
          ...NOTEBOOKS,
          namespace,
          name
        });
        continue;
      }
      await session.custom.patchNamespacedCustomObject(
        {
          ...NOTEBOOKS,
          namespace,
          name,
          body: { metadata: { labels: { [label]: 'true' } } },
          fieldManager: FIELD_MANAGER
        },
        setHeaderOptions('Content-Type', 'application/merge-patch+json')
      );
    } catch (error) {
      throw toKubeError(error, action);
    }
  }
}

async function mountWithPodDefault(
  session: IKubeSession,
  spec: IMountSpec,
  values: {
    name?: string;
    label?: string;
    notebook?: string[];
    apply?: boolean;
  },
  format: string,
  io: ICommandIO
): Promise<number> {
  const podDefault = podDefaultFor(spec, {
    name: values.name,
    label: values.label
  });
  const label = Object.keys(podDefault.spec.selector.matchLabels)[0];
  const notebooks = [...new Set(values.notebook ?? [])];
  const existing = await listCustomObjects(
    session,
    PODDEFAULTS,
    spec.namespace
  );
  const same = existing.find(
    object => object.metadata?.name === podDefault.metadata.name
  );
  if (same) {
    throw new KubeError(
      `A PodDefault named ${podDefault.metadata.name} already exists in namespace ${spec.namespace}; choose another with --name.`
    );
  }
  assertNoCollision(spec.mountPath, podDefaultMounts(existing));
  await checkSecret(session, spec, io, false);
  // Every named Notebook must exist before anything is written.
  await labelNotebooks(session, spec.namespace, notebooks, label, false);
  if (!values.apply) {
    io.stdout(render(podDefault, format));
    for (const notebook of notebooks) {
      io.stderr(
        `Then give Notebook ${notebook} the Secret (its pod restarts): kubectl label notebooks.kubeflow.org ${notebook} -n ${spec.namespace} ${label}=true\n`
      );
    }
    return EXIT_OK;
  }
  const action: IKubeAction = {
    verb: 'create',
    resource: 'poddefaults',
    group: PODDEFAULTS.group,
    name: podDefault.metadata.name,
    namespace: spec.namespace,
    server: session.server
  };
  try {
    await session.custom.createNamespacedCustomObject({
      ...PODDEFAULTS,
      namespace: spec.namespace,
      body: podDefault,
      fieldManager: FIELD_MANAGER
    });
  } catch (error) {
    throw toKubeError(error, action);
  }
  io.stdout(
    `Created PodDefault ${spec.namespace}/${podDefault.metadata.name}. New notebooks get the Secret at ${spec.mountPath} when "${podDefault.spec.desc}" is selected under Configurations.\n`
  );
  await labelNotebooks(session, spec.namespace, notebooks, label, true);
  for (const notebook of notebooks) {
    io.stdout(
      `Labelled Notebook ${spec.namespace}/${notebook} ${label}=true: the notebook controller restarts its pod, which then has the Secret at ${spec.mountPath}.\n`
    );
  }
  if (notebooks.length === 0) {
    io.stdout(
      `Existing notebooks get it only once their Notebook carries the label ${label}=true (restarting them is not enough): pass --notebook NAME.\n`
    );
  }
  return EXIT_OK;
}

async function homeMountPath(
  session: IKubeSession,
  workspace: IWorkspaceLike,
  io: ICommandIO
): Promise<string | undefined> {
  const kind = workspace.spec?.kind;
  if (!kind) {
    return undefined;
  }
  try {
    const object = (await session.custom.getClusterCustomObject({
      ...WORKSPACEKINDS,
      name: kind
    })) as {
      spec?: { podTemplate?: { volumeMounts?: { home?: string } } };
    };
    return object.spec?.podTemplate?.volumeMounts?.home;
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 403 || status === 404) {
      io.stderr(
        `note: WorkspaceKind ${kind} could not be read, so the home folder's mount path was not checked.\n`
      );
      return undefined;
    }
    throw toKubeError(error, {
      verb: 'get',
      resource: 'workspacekinds',
      group: WORKSPACEKINDS.group,
      name: kind,
      server: session.server
    });
  }
}

async function mountInWorkspace(
  session: IKubeSession,
  spec: IMountSpec,
  name: string,
  apply: boolean | undefined,
  format: string,
  io: ICommandIO
): Promise<number> {
  const action: IKubeAction = {
    verb: 'get',
    resource: 'workspaces',
    group: WORKSPACES.group,
    name,
    namespace: spec.namespace,
    server: session.server
  };
  let workspace: IWorkspaceLike;
  try {
    workspace = (await session.custom.getNamespacedCustomObject({
      ...WORKSPACES,
      namespace: spec.namespace,
      name
    })) as IWorkspaceLike;
  } catch (error) {
    throw toKubeError(error, action);
  }
  const already = (workspace.spec?.podTemplate?.volumes?.secrets ?? []).find(
    entry =>
      entry.secretName === spec.secretName && entry.mountPath === spec.mountPath
  );
  if (already) {
    io.stderr(
      `Workspace ${name} already mounts Secret ${spec.secretName} at ${spec.mountPath}; nothing to do.\n`
    );
    return EXIT_OK;
  }
  assertNoCollision(
    spec.mountPath,
    workspaceMounts(workspace, await homeMountPath(session, workspace, io))
  );
  await checkSecret(session, spec, io, true);
  const patch = workspaceMergePatch(workspace, spec);
  if (!apply) {
    io.stdout(render(patch, format));
    io.stderr(
      `Apply with: kubectl patch workspaces.kubeflow.org ${name} -n ${spec.namespace} --type merge --patch-file PATCH (it is refused if the Workspace changed since it was read).\n`
    );
    return EXIT_OK;
  }
  try {
    await session.custom.patchNamespacedCustomObject(
      {
        ...WORKSPACES,
        namespace: spec.namespace,
        name,
        body: patch,
        fieldManager: FIELD_MANAGER
      },
      setHeaderOptions('Content-Type', 'application/merge-patch+json')
    );
  } catch (error) {
    throw toKubeError(error, { ...action, verb: 'patch' });
  }
  io.stdout(
    `Patched Workspace ${spec.namespace}/${name}: Secret ${spec.secretName} appears at ${spec.mountPath} after the workspace restarts.\n`
  );
  return EXIT_OK;
}

async function readValues(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new KubeError(`The values file ${file} cannot be read.`);
  }
  try {
    const values = yaml.load(text);
    if (values === undefined || values === null) {
      return {};
    }
    if (typeof values !== 'object' || Array.isArray(values)) {
      throw new Error('not a map');
    }
    return values as Record<string, unknown>;
  } catch {
    // The parser's message quotes the file, and values files often hold tokens.
    throw new KubeError(
      `The values file ${file} is not a YAML map of chart values.`
    );
  }
}

async function mountWithKubeSpawner(
  spec: IMountSpec,
  valuesFile: string | undefined,
  formOption: string | undefined,
  format: string,
  io: ICommandIO
): Promise<number> {
  const values = valuesFile ? await readValues(valuesFile) : {};
  assertNoCollision(spec.mountPath, valuesMounts(values));
  const form: ValuesForm =
    formOption === 'list'
      ? 'list'
      : formOption === 'map' || formOption === 'dict'
        ? 'dict'
        : (valuesForm(values) ?? 'dict');
  io.stdout(render(jupyterhubValues(spec, form, values), format));
  io.stderr(
    form === 'dict'
      ? 'Apply with: helm upgrade RELEASE jupyterhub/jupyterhub --reuse-values -f THIS_FILE (the map form needs chart 4.3.0 or later; use --values-form list before that).\n'
      : 'Apply with: helm upgrade RELEASE jupyterhub/jupyterhub --reuse-values -f THIS_FILE (Helm replaces lists, so this list repeats your existing entries).\n'
  );
  io.stderr(
    `The Secret must exist in the namespace of the user pods; it appears at ${spec.mountPath} when a server (re)starts.\n`
  );
  return EXIT_OK;
}

async function run(
  { values, positionals }: Parsed<typeof OPTIONS>,
  io: ICommandIO
): Promise<number> {
  if (positionals.length !== 1) {
    throw new UsageError('mount takes one Secret name; see --help.');
  }
  const target = values.target as Target | undefined;
  if (!target || !['poddefault', 'workspace', 'kubespawner'].includes(target)) {
    throw new UsageError(
      '--target must be poddefault, workspace or kubespawner.'
    );
  }
  const secretName = positionals[0];
  assertSecretName(secretName);
  const mountPath = normaliseMountPath(
    values['mount-path'] ?? defaultMountPath(secretName)
  );
  const mode =
    values.mode !== undefined ? parseMode(values.mode) : DEFAULT_MODE;
  const format = values.output ?? (target === 'workspace' ? 'json' : 'yaml');
  if (!['yaml', 'json'].includes(format)) {
    throw new UsageError('--output must be yaml or json.');
  }
  if (
    values['values-form'] !== undefined &&
    !['map', 'dict', 'list'].includes(values['values-form'])
  ) {
    throw new UsageError('--values-form must be map or list.');
  }

  if (target === 'kubespawner') {
    if (values.apply) {
      throw new UsageError(
        '--apply is not available for kubespawner: apply the printed values with helm upgrade.'
      );
    }
    const spec = {
      secretName,
      namespace: values.namespace ?? '',
      mountPath,
      mode
    };
    return mountWithKubeSpawner(
      spec,
      values.values,
      values['values-form'],
      format,
      io
    );
  }
  const workspace = values.workspace;
  if (values.notebook && target !== 'poddefault') {
    throw new UsageError('--notebook goes with --target poddefault.');
  }
  if (target === 'workspace' && !workspace) {
    throw new UsageError('--target workspace needs --workspace NAME.');
  }
  const session = openSession(clusterOptions(values));
  const spec: IMountSpec = {
    secretName,
    namespace: session.namespace,
    mountPath,
    mode
  };
  if (target === 'poddefault' || !workspace) {
    return mountWithPodDefault(session, spec, values, format, io);
  }
  return mountInWorkspace(session, spec, workspace, values.apply, format, io);
}

export const mountCommand = kubeCommand(OPTIONS, USAGE, run);
