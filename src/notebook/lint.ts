import {
  Action,
  Diagnostic,
  lintKeymap,
  setDiagnostics
} from '@codemirror/lint';
import { Extension } from '@codemirror/state';
import { EditorView, keymap, ViewPlugin } from '@codemirror/view';
import { Signal } from '@lumino/signaling';

import { IRange } from './mask';
import { GuardRegistry } from './registry';
import { IGuardFinding } from './types';

/** A quick fix offered for a finding. */
export interface IQuickFix {
  /** Button label (translated). */
  label: string;
  /** Apply it; `range` is where the finding is now, if the text moved since the scan. */
  apply(range?: IRange): void;
}

/** Quick fixes for a finding in the cell whose editor shows it. */
export type QuickFixProvider = (
  finding: IGuardFinding,
  cell: unknown
) => IQuickFix[];

/** CSS class of the underline of a finding. */
export const GUARD_MARK_CLASS = 'jp-SecretMounts-guardMark';

/**
 * Diagnostics for the source findings of a cell. Offsets are clamped to the
 * document; the message carries the redacted preview, never the value.
 */
export function toDiagnostics(
  findings: readonly IGuardFinding[],
  docLength: number,
  source: string,
  fixes: (finding: IGuardFinding) => IQuickFix[] = () => []
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const finding of findings) {
    if (finding.location.kind !== 'source') {
      continue;
    }
    const from = Math.min(Math.max(0, finding.start), docLength);
    const to = Math.min(Math.max(from, finding.end), docLength);
    const actions: Action[] = fixes(finding).map(fix => ({
      name: fix.label,
      apply: (_view: EditorView, start: number, end: number) =>
        fix.apply({ start, end })
    }));
    diagnostics.push({
      from,
      to,
      severity: 'warning',
      source,
      message: finding.message.includes(finding.preview)
        ? finding.message
        : `${finding.message} (${finding.preview})`,
      markClass: GUARD_MARK_CLASS,
      actions
    });
  }
  return diagnostics;
}

/**
 * The editor extension of the guard: shows the findings of the editor's cell
 * (from the notebook's guard model, looked up by the editor's model) as lint
 * warnings with hover messages and quick-fix buttons. F8 goes to the next
 * warning; Mod-Shift-m opens the list of warnings, keyboard-navigable.
 */
export function guardLintExtension(options: {
  registry: GuardRegistry;
  cell: unknown;
  source: string;
  fixes: QuickFixProvider;
}): Extension {
  const { registry, cell, source, fixes } = options;
  const plugin = ViewPlugin.define(view => {
    let shown = false;
    let scheduled = false;
    let destroyed = false;
    const receiver = {};

    const push = (): void => {
      scheduled = false;
      if (destroyed) {
        return;
      }
      const found = registry.findingsFor(cell);
      const doc = view.state.doc.toString();
      if (found && found.source !== doc) {
        // The author typed since the scan: the marks follow the edits until
        // the next scan (already scheduled) replaces them.
        return;
      }
      const diagnostics = found
        ? toDiagnostics(found.findings, doc.length, source, f => fixes(f, cell))
        : [];
      if (diagnostics.length === 0 && !shown) {
        return;
      }
      shown = diagnostics.length > 0;
      view.dispatch(setDiagnostics(view.state, diagnostics));
    };
    // Never dispatch from inside another update: defer to a microtask.
    const schedule = (): void => {
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(push);
      }
    };
    registry.cellChanged.connect((_, changed) => {
      if (changed === cell) {
        schedule();
      }
    }, receiver);
    registry.guardsChanged.connect(schedule, receiver);
    schedule();
    return {
      destroy: () => {
        destroyed = true;
        Signal.disconnectReceiver(receiver);
      }
    };
  });
  return [plugin, keymap.of(lintKeymap)];
}
