/**
 * `jupyterlab-secret-mounts audit`: which Secrets exist (listed by metadata
 * only), which workspace pods use them and how, and what is risky about it.
 */
import { AUDIT_RULES, type Level } from '../kube/audit';
import { gatherAudit } from '../kube/audit-gather';
import { openSession } from '../kube/session';
import { formatAudit, type AuditFormat } from './audit-output';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type ICommandIO } from './command';
import {
  CLUSTER_OPTIONS,
  CLUSTER_USAGE,
  clusterOptions,
  kubeCommand,
  type Parsed
} from './kube-command';

const OPTIONS = {
  ...CLUSTER_OPTIONS,
  'all-namespaces': { type: 'boolean', short: 'A' },
  format: { type: 'string', short: 'f' },
  'fail-on': { type: 'string' },
  'all-pods': { type: 'boolean' },
  'workspace-label': { type: 'string', multiple: true },
  'chunk-size': { type: 'string' }
} as const;

const USAGE = `Usage: jupyterlab-secret-mounts audit [options]

List the Secrets of a namespace (or of every namespace you may list) by
metadata only, show which pods, PodDefaults and Workspaces use each one and
how, and report risky uses. Secret values are never downloaded.

Options:
  -A, --all-namespaces     audit every namespace you may list
  -f, --format FORMAT      text (default), json or sarif
  --fail-on LEVEL          exit 1 when a finding is at least LEVEL:
                           error, warning (default), note, or never
  --all-pods               report env, subPath and mode findings for every pod,
                           not only workspace pods
  --workspace-label KEY[=VALUE]
                           also treat pods with this label as workspaces
                           (Kubeflow, Kubeflow Notebooks 2.0 and JupyterHub
                           pods are recognised by their own labels); repeatable
  --chunk-size N           items per list request (default 500)

Rules:
${Object.values(AUDIT_RULES)
  .map(rule => `  ${rule.id.padEnd(31)} ${rule.level.padEnd(8)} ${rule.title}`)
  .join('\n')}

${CLUSTER_USAGE}

Exit status: 0 clean, 1 findings at or above --fail-on, 2 error.
`;

const LEVEL_RANK: Record<Level, number> = { error: 0, warning: 1, note: 2 };

async function run(
  { values, positionals }: Parsed<typeof OPTIONS>,
  io: ICommandIO
): Promise<number> {
  if (positionals.length > 0) {
    throw new UsageError('audit takes no arguments; see --help.');
  }
  const format = (values.format ?? 'text') as AuditFormat;
  if (!['text', 'json', 'sarif'].includes(format)) {
    throw new UsageError('--format must be text, json or sarif.');
  }
  const failOn = values['fail-on'] ?? 'warning';
  if (!['error', 'warning', 'note', 'never'].includes(failOn)) {
    throw new UsageError('--fail-on must be error, warning, note or never.');
  }
  let pageSize: number | undefined;
  if (values['chunk-size'] !== undefined) {
    pageSize = Number(values['chunk-size']);
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new UsageError('--chunk-size takes a positive whole number.');
    }
  }
  if (values['all-namespaces'] && values.namespace !== undefined) {
    throw new UsageError('Give either -n NAMESPACE or -A, not both.');
  }
  const session = openSession({
    ...clusterOptions(values),
    allNamespaces: values['all-namespaces']
  });
  const report = await gatherAudit(session, {
    allPods: values['all-pods'],
    workspaceLabels: values['workspace-label'],
    pageSize
  });
  io.stdout(formatAudit(report, format));
  if (failOn === 'never') {
    return EXIT_OK;
  }
  const threshold = LEVEL_RANK[failOn as Level];
  return report.findings.some(finding => LEVEL_RANK[finding.level] <= threshold)
    ? EXIT_FINDINGS
    : EXIT_OK;
}

export const auditCommand = kubeCommand(OPTIONS, USAGE, run);
