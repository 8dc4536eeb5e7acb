import { Clipboard, ReactWidget, ToolbarButton } from '@jupyterlab/apputils';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { refreshIcon, SidePanel, UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { Panel, Widget } from '@lumino/widgets';
import React from 'react';

import { CommandIDs } from '../commands';
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
        onClick: () => void options.model.refresh()
      })
    );

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

  /** Where the empty state's instructions link points ('' names docs/admin-guide.md). */
  get adminGuideUrl(): string {
    return this._view.adminGuideUrl;
  }
  set adminGuideUrl(url: string) {
    this._view.adminGuideUrl = url;
  }

  private _view: MountsView;
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
      reveal: this._reveal
    };
  }

  private _onCommandChanged(
    _: CommandRegistry,
    change: CommandRegistry.ICommandChangedArgs
  ): void {
    if (change.id === CommandIDs.insertKey || change.id === undefined) {
      this.update();
    }
  }

  private _adminGuideUrl: string;
  private _commands: CommandRegistry;
  private _model: ISecretMountsModel;
  private _reveal: NonNullable<SecretMountsPanel.IOptions['reveal']>;
  private _trans: TranslationBundle;
}
