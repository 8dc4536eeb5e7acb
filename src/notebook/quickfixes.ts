import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { gitUrlCredentialAt, IGitUrlCredential } from '../git/urls';
import { IFoundCredential } from '../secrets/move';
import { detectLanguage, Language } from '../snippets/languages';
import { IQuickFix } from './lint';
import { IRange } from './mask';
import { ignoreOnLine, ITextEdit, replaceWithReference } from './rewrites';
import { GuardRegistry } from './registry';
import { remapRange } from './remap';
import { IGuardFinding } from './types';

/** What the quick fixes need from the rest of the application. */
export interface IQuickFixServices {
  registry: GuardRegistry;
  trans: TranslationBundle;
  /** Whether the key at an absolute path holds binary data (undefined: unknown). */
  isBinary(path: string): boolean | undefined;
  /** Copy a file-read snippet of a mounted key to the clipboard, and say so. */
  copySnippet(mount: string, key: string, language: Language | null): void;
  /** Help with a credential that is not mounted yet (open the picker, explain). */
  useSecretFile(): void;
  /** Whether the server can move a credential into a new Kubernetes Secret now. */
  canMoveToSecret(): boolean;
  /** "Move to a Kubernetes Secret": the dialog, the server's work, the rewrite. */
  moveToSecret(found: IFoundCredential): void;
  /** Tell the user a fix could not be applied (the text changed meanwhile). */
  notApplied(message: string): void;
  /** Whether the server honours inline suppression comments (its `allow_inline_suppression`). */
  suppressionAllowed(): boolean;
  /**
   * Set git up to read the mounted value of a token found in a git URL (`known` when the
   * finding already names its folder and key); resolves true when git is set up. Absent
   * without Use for git.
   */
  useSecretForGit?(
    found: IGitUrlCredential,
    known?: { mount: string; key: string }
  ): Promise<boolean>;
}

/** The language of a notebook, from its metadata (the kernel writes it there). */
export function notebookLanguage(model: INotebookModel): Language | null {
  const kernelspec = model.getMetadata('kernelspec') as
    { language?: string } | undefined;
  const info = model.getMetadata('language_info') as
    { name?: string } | undefined;
  const detected = detectLanguage({
    kernelLanguage: kernelspec?.language,
    languageInfo: info?.name
  });
  return detected.kind === 'supported' ? detected.language : null;
}

/**
 * The language code at `offset` of a cell is written in, for a rewrite: IPython
 * `%%bash`/`%%sh` cells are shell; other cell magics, `!` and `%` lines are
 * none we can rewrite safely (IPython expands `$` and braces in them).
 */
export function rewriteLanguageAt(
  source: string,
  offset: number,
  language: Language | null
): Language | null {
  if (language !== 'python') {
    return language;
  }
  const first = source.split('\n', 1)[0].trim();
  if (/^%%(bash|sh)\b/.test(first)) {
    return 'bash';
  }
  if (first.startsWith('%%')) {
    return null;
  }
  const lineStart = source.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  return /^\s*[!%]/.test(source.slice(lineStart)) ? null : 'python';
}

/** The language of line comments at `offset` (`!` lines run in a shell: `#` works there too). */
function commentLanguageAt(
  source: string,
  offset: number,
  language: Language | null
): Language | null {
  const rewrite = rewriteLanguageAt(source, offset, language);
  if (rewrite || language !== 'python') {
    return rewrite;
  }
  const lineStart = source.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  return /^\s*!/.test(source.slice(lineStart)) ? 'bash' : null;
}

/**
 * The quick fixes of a finding in a cell:
 * - a mounted value: "Replace with secret reference" (when the rewrite keeps the
 *   code's meaning) and "Copy file-read snippet";
 * - a pattern finding: "Move to a Kubernetes Secret…" (when the server allows it and the
 *   whole literal is the credential), "Read it from a secret file…" and, where the server
 *   honours suppression comments, "Ignore on this line" (never first: one click should fix,
 *   not hide);
 * - a finding in an output: "Clear outputs".
 */
export function quickFixesFor(
  finding: IGuardFinding,
  cell: ICellModel,
  services: IQuickFixServices
): IQuickFix[] {
  const { trans, registry } = services;
  const guard = registry.guardFor(cell);
  if (!guard) {
    return [];
  }
  if (finding.location.kind === 'output') {
    return cell.type === 'code'
      ? [
          {
            label: trans.__('Clear outputs'),
            apply: () => (cell as ICodeCellModel).clearExecution()
          }
        ]
      : [];
  }

  const nbLanguage =
    cell.type === 'code' ? notebookLanguage(guard.model) : null;
  const scanned = guard.cellFindings(cell)?.source ?? '';

  /** Where the finding is in the current source (the author may have typed since). */
  const currentRange = (given?: IRange): IRange | null => {
    if (given) {
      return given;
    }
    return remapRange(scanned, cell.sharedModel.getSource(), finding);
  };

  /** Make an edit of the current source, computed when the fix is applied. */
  const editFix = (
    label: string,
    edit: (source: string, range: IRange) => ITextEdit | null
  ): IQuickFix => ({
    label,
    apply: given => {
      const source = cell.sharedModel.getSource();
      const range = currentRange(given);
      const change = range ? edit(source, range) : null;
      if (!change) {
        services.notApplied(
          trans.__('The cell changed; the fix was not applied.')
        );
        return;
      }
      cell.sharedModel.updateSource(change.from, change.to, change.insert);
    }
  });

  const fixes: IQuickFix[] = [];
  const gitFix = gitUrlFix(finding, scanned, currentRange, services, cell);
  if (gitFix) {
    fixes.push(gitFix);
  }
  const secret = finding.secret;
  if (secret) {
    const path = `${secret.mount.replace(/\/+$/, '')}/${secret.key}`;
    const language =
      cell.type === 'code'
        ? rewriteLanguageAt(scanned, finding.start, nbLanguage)
        : null;
    // Offer the rewrite only where it applies to the text as scanned.
    if (
      language &&
      secret.encoding === 'raw' &&
      services.isBinary(path) !== true &&
      replaceWithReference(scanned, finding, language, path)
    ) {
      fixes.push(
        editFix(trans.__('Replace with secret reference'), (source, range) =>
          replaceWithReference(source, range, language, path)
        )
      );
    }
    fixes.push({
      label: trans.__('Copy file-read snippet'),
      apply: () => services.copySnippet(secret.mount, secret.key, nbLanguage)
    });
    return fixes;
  }

  const moveLanguage =
    cell.type === 'code'
      ? rewriteLanguageAt(scanned, finding.start, nbLanguage)
      : null;
  // Offered only where the literal can become a file read (the path does not change that).
  if (
    moveLanguage &&
    services.canMoveToSecret() &&
    replaceWithReference(scanned, finding, moveLanguage, '/secrets/name/key')
  ) {
    fixes.push({
      label: trans.__('Move to a Kubernetes Secret…'),
      apply: given => {
        const range = currentRange(given);
        if (!range) {
          services.notApplied(
            trans.__('The cell changed; the fix was not applied.')
          );
          return;
        }
        services.moveToSecret({
          cell,
          range,
          language: moveLanguage,
          ruleId: finding.ruleId,
          preview: finding.preview
        });
      }
    });
  }
  fixes.push({
    label: trans.__('Read it from a secret file…'),
    apply: () => services.useSecretFile()
  });
  const commentLanguage =
    cell.type === 'markdown'
      ? null
      : commentLanguageAt(scanned, finding.start, nbLanguage);
  if (
    services.suppressionAllowed() &&
    (cell.type === 'markdown' || commentLanguage) &&
    ignoreOnLine(scanned, finding.start, commentLanguage)
  ) {
    fixes.push(
      editFix(trans.__('Ignore on this line'), (source, range) =>
        ignoreOnLine(source, range.start, commentLanguage)
      )
    );
  }
  return fixes;
}

/**
 * "Use a mounted secret for git" on a token in a git URL: git is set up to read the mounted
 * value for the URL's host, then the URL loses its `user:TOKEN@`.
 */
function gitUrlFix(
  finding: IGuardFinding,
  scanned: string,
  currentRange: (given?: IRange) => IRange | null,
  services: IQuickFixServices,
  cell: ICellModel
): IQuickFix | null {
  const useSecretForGit = services.useSecretForGit;
  const found = gitUrlCredentialAt(scanned, finding.start, finding.end);
  if (!useSecretForGit || !found) {
    return null;
  }
  const { trans } = services;
  const secret = finding.secret;
  const known =
    secret && secret.encoding === 'raw'
      ? { mount: secret.mount, key: secret.key }
      : undefined;
  return {
    label: trans.__('Use a mounted secret for git'),
    apply: given => {
      void useSecretForGit(found, known).then(done => {
        if (!done) {
          return;
        }
        // The author may have typed meanwhile: find the URL again in the current source.
        const range = currentRange(given);
        const source = cell.sharedModel.getSource();
        const now = range
          ? gitUrlCredentialAt(source, range.start, range.end)
          : null;
        if (!now || now.token !== found.token || now.host !== found.host) {
          services.notApplied(
            trans.__(
              'Git is set up, but the cell changed: remove the token from the URL yourself.'
            )
          );
          return;
        }
        cell.sharedModel.updateSource(now.edit.from, now.edit.to, '');
      });
    }
  };
}
