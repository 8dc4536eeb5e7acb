import {
  Clipboard,
  Notification,
  ReactWidget,
  ToolbarButton
} from '@jupyterlab/apputils';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { refreshIcon, SidePanel, UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { IDisposable } from '@lumino/disposable';
import type { Message } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';
import React from 'react';

import { CommandIDs } from '../commands';
import { IGitCredentialsModel } from '../git/tokens';
import { describeError } from '../mounts/errors';
import { revealValue } from '../mounts/reveal';
import { ISecretMountsModel } from '../mounts/tokens';
import { IRevealResponse, ISecretKey, ISecretMount } from '../mounts/types';
import { ISecretCreation } from '../secrets/tokens';
import { IKeyActions } from './components/actions';
import { CreationSection } from './components/CreationSection';
import { MountsBrowser } from './components/MountsBrowser';
import { secretMountsIcon } from './icons';

/** Stable id of the panel (layout restorer, `shell.activateById`, browser tests). */
export const PANEL_ID = 'jp-secret-mounts-panel';

/**
 * The "Secret Mounts" sidebar: a title, a refresh button, and the React view of the model.
 */
export class SecretMountsPanel extends SidePanel {
  constructor(options: SecretMountsPanel.IOptions) {
    const translator = options.translator ?? nullTranslator;
    super({ content: new Panel(), translator });
    const trans = translator.load('jupyterlab-secret-mounts');
    this.id = PANEL_ID;
    this.addClass('jp-SecretMounts-panel');
    this.title.icon = secretMountsIcon;
    this.title.caption = trans.__('Secret Mounts');

    const heading = document.createElement('h2');
    heading.textContent = trans.__('Secret Mounts');
    heading.classList.add('jp-text-truncated');
    this.header.addWidget(new Widget({ node: heading }));

    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: trans.__('Reload the list of secret mounts'),
        onClick: () => {
          void options.model.refresh();
          void options.git?.refresh();
        }
      })
    );

    this._model = options.model;
    this._view = new MountsView({ ...options, trans });
    this.addWidget(this._view);
    if (options.creation) {
      this.addWidget(
        new CreationView(
          options.model,
          options.creation,
          options.commands,
          trans
        )
      );
    }
  }

  dispose(): void {
    this._stopWatching();
    super.dispose();
  }

  // The list is polled only while the panel is visible (no request while it is closed).
  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._watching ??= this._model.watch();
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._watching ??= this._model.watch();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._stopWatching();
  }

  protected onBeforeDetach(msg: Message): void {
    this._stopWatching();
    super.onBeforeDetach(msg);
  }

  private _stopWatching(): void {
    this._watching?.dispose();
    this._watching = null;
  }

  /** Where the empty state's instructions link points ('' names docs/admin-guide.md). */
  get adminGuideUrl(): string {
    return this._view.adminGuideUrl;
  }
  set adminGuideUrl(url: string) {
    this._view.adminGuideUrl = url;
  }

  private _model: ISecretMountsModel;
  private _view: MountsView;
  private _watching: IDisposable | null = null;
}

export namespace SecretMountsPanel {
  export interface IOptions {
    model: ISecretMountsModel;
    /** Used to run "insert reference" when another plugin provides it. */
    commands: CommandRegistry;
    translator?: ITranslator;
    /** Fetches a value; the server's reveal endpoint by default. */
    reveal?: (mount: ISecretMount, key: ISecretKey) => Promise<IRevealResponse>;
    adminGuideUrl?: string;
    /** Creating Kubernetes Secrets from here, when the server extension offers it. */
    creation?: ISecretCreation | null;
    /** Which key git reads for which host (Use for git); absent without that plugin. */
    git?: IGitCredentialsModel | null;
  }
}

/** The "Kubernetes Secrets" section: status, "Add secret", pending mounts. */
class CreationView extends ReactWidget {
  constructor(
    private readonly _mounts: ISecretMountsModel,
    private readonly _creation: ISecretCreation,
    private readonly _commands: CommandRegistry,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-SecretMounts-creationView');
    this._mounts.changed.connect(this.update, this);
    this._creation.changed.connect(this.update, this);
  }

  dispose(): void {
    this._mounts.changed.disconnect(this.update, this);
    this._creation.changed.disconnect(this.update, this);
    super.dispose();
  }

  protected render(): JSX.Element {
    const commands = this._commands;
    return (
      <CreationSection
        status={this._creation.status}
        pending={this._mounts.pending}
        onAdd={
          commands.hasCommand(CommandIDs.addSecret)
            ? () => void commands.execute(CommandIDs.addSecret)
            : undefined
        }
        trans={this._trans}
      />
    );
  }
}

/** Renders the model with React and re-renders when it or the command set changes. */
class MountsView extends ReactWidget {
  constructor(
    options: SecretMountsPanel.IOptions & { trans: TranslationBundle }
  ) {
    super();
    this.addClass('jp-SecretMounts-view');
    this._model = options.model;
    this._commands = options.commands;
    this._trans = options.trans;
    this._adminGuideUrl = options.adminGuideUrl ?? '';
    this._reveal =
      options.reveal ??
      ((mount, key) => revealValue({ path: mount.path, key: key.name }));
    this._git = options.git ?? null;
    this._git?.changed.connect(this._onGitChanged, this);
    // The insert command comes from another plugin that may activate later.
    this._commands.commandChanged.connect(this._onCommandChanged, this);
  }

  get adminGuideUrl(): string {
    return this._adminGuideUrl;
  }
  set adminGuideUrl(url: string) {
    this._adminGuideUrl = url;
    this.update();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._commands.commandChanged.disconnect(this._onCommandChanged, this);
    this._git?.changed.disconnect(this._onGitChanged, this);
    super.dispose();
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => (
          <MountsBrowser
            status={this._model.status}
            error={this._model.error}
            mounts={this._model.mounts}
            warnings={this._model.warnings}
            policy={this._model.policy}
            actions={this._actions()}
            adminGuideUrl={this._adminGuideUrl}
            onRetry={() => void this._model.refresh()}
            git={this._gitSection()}
            trans={this._trans}
          />
        )}
      </UseSignal>
    );
  }

  private _actions(): IKeyActions {
    const commands = this._commands;
    return {
      copyPath: path => Clipboard.copyToSystem(path),
      insertReference: commands.hasCommand(CommandIDs.insertKey)
        ? path => void commands.execute(CommandIDs.insertKey, { path })
        : undefined,
      reveal: this._reveal,
      useForGit:
        this._git?.allowed && commands.hasCommand(CommandIDs.useForGit)
          ? path => void commands.execute(CommandIDs.useForGit, { path })
          : undefined
    };
  }

  private _gitSection() {
    const git = this._git;
    if (!git) {
      return undefined;
    }
    return {
      credentials: git.credentials,
      error: git.error,
      onForget: ({ url }: { url: string }) =>
        void git.forget(url).catch(reason =>
          Notification.error(describeError(reason, this._trans), {
            autoClose: 8000
          })
        )
    };
  }

  private _onGitChanged(): void {
    this.update();
  }

  private _onCommandChanged(
    _: CommandRegistry,
    change: CommandRegistry.ICommandChangedArgs
  ): void {
    if (
      change.id === CommandIDs.insertKey ||
      change.id === CommandIDs.useForGit ||
      change.id === undefined
    ) {
      this.update();
    }
  }

  private _adminGuideUrl: string;
  private _commands: CommandRegistry;
  private _git: IGitCredentialsModel | null;
  private _model: ISecretMountsModel;
  private _reveal: NonNullable<SecretMountsPanel.IOptions['reveal']>;
  private _trans: TranslationBundle;
}
