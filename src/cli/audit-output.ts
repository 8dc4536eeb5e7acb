/**
 * The audit report as text (for people), JSON (for scripts) and SARIF 2.1.0
 * (for code-scanning dashboards). None of them contains a Secret value: the
 * report only ever held names, labels, modes and where things are mounted.
 */
import { createHash } from 'node:crypto';
import type { ReportingDescriptor, Result } from 'sarif';
import { describeConfiguredUse } from '../kube/secret-references';
import {
  AUDIT_RULES,
  type IFinding,
  type Level,
  type RuleId
} from '../kube/audit';
import type { IAuditReport } from '../kube/audit-gather';
import type { ISecretUse } from '../kube/pod-secrets';
import { formatSarifLog } from './sarif-log';

export type AuditFormat = 'text' | 'json' | 'sarif';

function counts(findings: IFinding[]): Record<Level, number> {
  const result: Record<Level, number> = { error: 0, warning: 0, note: 0 };
  findings.forEach(finding => result[finding.level]++);
  return result;
}

function describeUse(use: ISecretUse): string {
  const where = `${use.workspace ? 'workspace pod' : 'pod'} ${use.pod}${use.container ? ` (${use.container})` : ''}`;
  const modes = use.modes?.length ? `, mode ${use.modes.join('/')}` : '';
  const keys = use.keys ? `, keys ${use.keys.join(', ')}` : '';
  switch (use.kind) {
    case 'folder':
      return `folder ${use.mountPath} in ${where}${modes}${keys}`;
    case 'projected':
      return `projected folder ${use.mountPath} in ${where}${modes}${keys}`;
    case 'subPath':
      return `subPath ${use.subPath} at ${use.mountPath} in ${where} (does not rotate)${modes}`;
    case 'env':
      return `env ${use.envVar} (key ${use.key}) in ${where}`;
    case 'envFrom':
      return `envFrom${use.envVar ? ` prefix ${use.envVar}` : ''} in ${where}`;
    case 'imagePullSecret':
      return `image pull secret of ${where}`;
  }
}

function scopeText(report: IAuditReport): string {
  if (report.scope === 'all') {
    return 'all namespaces';
  }
  return report.scope.length === 1
    ? `namespace ${report.scope[0]}`
    : `namespaces ${report.scope.join(', ')}`;
}

export function formatText(report: IAuditReport): string {
  const lines: string[] = [];
  lines.push(
    `Audit of ${scopeText(report)} at ${report.server}: ${report.secrets.length} Secrets (listed by metadata only), ${report.pods} pods, ${report.workspacePods} of them workspaces.`
  );
  lines.push('');
  if (report.secrets.length > 0) {
    const width = Math.min(
      48,
      Math.max(6, ...report.secrets.map(s => `${s.namespace}/${s.name}`.length))
    );
    lines.push(`${'SECRET'.padEnd(width)}  USED BY`);
    for (const secret of report.secrets) {
      const uses = [
        ...secret.uses.map(describeUse),
        ...secret.configured.map(describeConfiguredUse)
      ];
      const name = `${secret.namespace}/${secret.name}`.padEnd(width);
      if (uses.length === 0) {
        lines.push(`${name}  -`);
      }
      uses.forEach((use, index) =>
        lines.push(`${index === 0 ? name : ' '.repeat(width)}  ${use}`)
      );
    }
    lines.push('');
  }
  const tally = counts(report.findings);
  lines.push(
    report.findings.length === 0
      ? 'No findings.'
      : `Findings: ${tally.error} error, ${tally.warning} warning, ${tally.note} note.`
  );
  for (const finding of report.findings) {
    lines.push(
      `${finding.level.padEnd(7)}  ${finding.rule.padEnd(30)}  ${finding.message}`
    );
  }
  const rules = [...new Set(report.findings.map(finding => finding.rule))];
  if (rules.length > 0) {
    lines.push('');
    for (const rule of rules) {
      lines.push(`${rule}: ${AUDIT_RULES[rule].help}`);
    }
  }
  if (report.skipped.length > 0) {
    lines.push('');
    report.skipped.forEach(line => lines.push(`Not read: ${line}`));
  }
  return `${lines.join('\n')}\n`;
}

export function formatJson(report: IAuditReport): string {
  const output = {
    server: report.server,
    context: report.context,
    scope: report.scope,
    summary: {
      secrets: report.secrets.length,
      pods: report.pods,
      workspacePods: report.workspacePods,
      findings: counts(report.findings)
    },
    secrets: report.secrets,
    findings: report.findings,
    skipped: report.skipped
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}

function fullyQualifiedName(finding: IFinding): string {
  return [finding.namespace, finding.pod ?? finding.secret, finding.container]
    .filter(Boolean)
    .join('/');
}

/**
 * SARIF 2.1.0 in the envelope of the scan command's (`sarif-log.ts`): rules
 * with default levels, and logical locations (namespace/pod/container) since
 * cluster objects are not files.
 */
export function formatSarif(report: IAuditReport): string {
  const ruleIds = Object.keys(AUDIT_RULES) as RuleId[];
  const rules = ruleIds.map((id): ReportingDescriptor => ({
    id,
    name: id
      .split('-')
      .map(word => word[0].toUpperCase() + word.slice(1))
      .join(''),
    shortDescription: { text: AUDIT_RULES[id].title },
    fullDescription: { text: AUDIT_RULES[id].help },
    help: { text: AUDIT_RULES[id].help },
    defaultConfiguration: { level: AUDIT_RULES[id].level },
    properties: { tags: ['security', 'secrets', 'kubernetes'] }
  }));
  const results = report.findings.map((finding): Result => ({
    ruleId: finding.rule,
    ruleIndex: ruleIds.indexOf(finding.rule),
    level: finding.level,
    message: { text: finding.message },
    locations: [
      {
        logicalLocations: [
          {
            name: finding.pod ?? finding.secret ?? finding.namespace,
            fullyQualifiedName: fullyQualifiedName(finding),
            kind: 'resource'
          }
        ]
      }
    ],
    // Stable across runs so dashboards can track a finding.
    partialFingerprints: {
      'auditFinding/v1': createHash('sha256')
        .update(
          `${finding.rule}|${fullyQualifiedName(finding)}|${finding.secret ?? ''}|${finding.message}`
        )
        .digest('hex')
    },
    properties: {
      namespace: finding.namespace,
      ...(finding.secret ? { secret: finding.secret } : {}),
      ...(finding.pod ? { pod: finding.pod } : {}),
      ...(finding.container ? { container: finding.container } : {})
    }
  }));
  return formatSarifLog({
    rules,
    // What could not be read: the audit went on without it.
    executionSuccessful: true,
    notifications: report.skipped.map(text => ({
      level: 'warning',
      message: { text }
    })),
    results,
    properties: { server: report.server, scope: report.scope }
  });
}

export function formatAudit(report: IAuditReport, format: AuditFormat): string {
  return format === 'json'
    ? formatJson(report)
    : format === 'sarif'
      ? formatSarif(report)
      : formatText(report);
}
