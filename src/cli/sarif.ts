/**
 * The scan report as SARIF 2.1.0 (the envelope is `sarif-log.ts`): files as
 * artifact locations, findings as results. Messages carry redacted previews
 * only.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  ArtifactLocation,
  PhysicalLocation,
  PropertyBag,
  ReportingDescriptor,
  Result
} from 'sarif';
import type { Confidence, IRule } from '../scanner';
import { IReportedFinding, IScanReport, notebookPlace } from './report';
import { formatSarifLog } from './sarif-log';

const LEVEL: Record<Confidence, 'error' | 'warning' | 'note'> = {
  high: 'error',
  medium: 'warning',
  low: 'note'
};

/** Artifact location: relative to the working folder when inside it. */
function artifactLocation(file: string, cwd: string): ArtifactLocation {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    const uri = relative.split(path.sep).map(encodeURIComponent).join('/');
    return { uri, uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(path.resolve(cwd, file)).href };
}

function result(
  finding: IReportedFinding,
  ruleIndex: number,
  cwd: string
): Result {
  const place = notebookPlace(finding);
  const inCell = place
    ? ` in ${place}, line ${finding.line}, column ${finding.column}`
    : '';
  const physicalLocation: PhysicalLocation = {
    artifactLocation: artifactLocation(finding.path, cwd)
  };
  if (finding.fileLine !== undefined && finding.fileColumn !== undefined) {
    physicalLocation.region = {
      startLine: finding.fileLine,
      startColumn: finding.fileColumn,
      endLine: finding.fileEndLine ?? finding.fileLine,
      endColumn: finding.fileEndColumn ?? finding.fileColumn
    };
  }
  const properties: PropertyBag = {
    confidence: finding.confidence
  };
  if (finding.part !== undefined) {
    Object.assign(properties, {
      cellIndex: finding.cellIndex,
      cellId: finding.cellId,
      part: finding.part,
      outputIndex: finding.outputIndex,
      mimeType: finding.mimeType,
      attachment: finding.attachment,
      cellLine: finding.line,
      cellColumn: finding.column
    });
  }
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.confidence],
    message: { text: `${finding.message}${inCell}: ${finding.preview}` },
    locations: [{ physicalLocation }],
    properties
  };
}

/** A SARIF 2.1.0 log with one run. */
export function formatSarif(
  report: IScanReport,
  rules: readonly IRule[],
  cwd: string
): string {
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  return formatSarifLog({
    rules: rules.map((rule): ReportingDescriptor => ({
      id: rule.id,
      shortDescription: { text: rule.description },
      defaultConfiguration: { level: LEVEL[rule.confidence] },
      properties: {
        tags: ['security', 'secrets'],
        precision: rule.confidence
      }
    })),
    files: {
      originalUriBaseIds: {
        '%SRCROOT%': {
          uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href
        }
      },
      columnKind: 'utf16CodeUnits'
    },
    executionSuccessful: report.errors.length === 0,
    notifications: report.errors.map(error => ({
      level: 'error',
      message: { text: `${error.path}: ${error.message}` }
    })),
    results: report.findings.map(finding =>
      result(finding, index.get(finding.ruleId) ?? 0, cwd)
    )
  });
}
