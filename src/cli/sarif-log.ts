/**
 * The SARIF 2.1.0 envelope of every report this CLI writes (`scan` on files,
 * `audit` on cluster objects), for code-scanning dashboards (GitHub code
 * scanning, Azure DevOps, ...): one run of this tool, its rules, one
 * invocation and the results.
 */
import type {
  Log,
  Notification,
  PropertyBag,
  ReportingDescriptor,
  Result,
  Run
} from 'sarif';
import { FRONTEND_VERSION } from '../version';
import { PROGRAM } from './command';

/** What a report puts in the envelope. */
export interface ISarifRun {
  rules: ReportingDescriptor[];
  results: Result[];
  /** False when part of the input could not be read. */
  executionSuccessful: boolean;
  /** What could not be read or was left out. */
  notifications: Notification[];
  /** Reports on files: where relative artifact URIs start, and what a column counts. */
  files?: Pick<Run, 'originalUriBaseIds' | 'columnKind'>;
  /** About the run as a whole. */
  properties?: PropertyBag;
}

/** The log as indented JSON, ending in a newline. */
export function formatSarifLog(run: ISarifRun): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: PROGRAM, version: FRONTEND_VERSION, rules: run.rules }
        },
        ...run.files,
        invocations: [
          {
            executionSuccessful: run.executionSuccessful,
            toolExecutionNotifications: run.notifications
          }
        ],
        results: run.results,
        ...(run.properties && { properties: run.properties })
      }
    ]
  } satisfies Log;
  return `${JSON.stringify(log, null, 2)}\n`;
}
