import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { SecretMountsAPIError } from '../api';
import { ICreateStatus, IMoved } from '../mounts/types';
import { isKey, isSecretName, ISuggestedNames, nextName } from './names';
import { ISecretCreation } from './tokens';

/** What the dialog asks for. */
export interface ISecretForm {
  secretName: string;
  key: string;
  addKey: boolean;
  /** Only when the value is typed into the dialog (the panel's "Add secret"). */
  typedValue: string;
}

/** Where the value comes from: a credential found in the notebook, or typed in the dialog. */
export type ValueSource =
  { kind: 'found'; preview: string; length: number } | { kind: 'typed' };

/**
 * The body of the "Move to a Kubernetes Secret" dialog: Secret and key names, the value
 * masked (a redacted preview, never the value itself), where it will be mounted and when,
 * and the last refusal. Plain DOM inputs, so the dialog works from the keyboard.
 */
export class SecretFormBody
  extends Widget
  implements Dialog.IBodyWidget<ISecretForm>
{
  constructor(options: SecretFormBody.IOptions) {
    super();
    this.addClass('jp-SecretMounts-moveForm');
    const { trans, status, source, form } = options;
    this._trans = trans;
    this._status = status;

    this._name = this._field(
      trans.__('Secret name'),
      form.secretName,
      'secretName'
    );
    this._key = this._field(trans.__('Key'), form.key, 'key');

    const value = document.createElement('label');
    value.className = 'jp-SecretMounts-moveField';
    value.append(trans.__('Value'));
    if (source.kind === 'found') {
      const masked = document.createElement('code');
      masked.className = 'jp-SecretMounts-maskedValue';
      masked.dataset.field = 'value';
      masked.textContent = trans._n(
        '%2 (%1 character, from the notebook)',
        '%2 (%1 characters, from the notebook)',
        source.length,
        source.preview
      );
      value.append(masked);
      this._typed = null;
    } else {
      this._typed = document.createElement('input');
      this._typed.type = 'password';
      this._typed.autocomplete = 'off';
      this._typed.value = form.typedValue;
      this._typed.dataset.field = 'value';
      value.append(this._typed);
    }
    this.node.append(value);

    const addKey = document.createElement('label');
    addKey.className = 'jp-SecretMounts-moveCheck';
    this._addKey = document.createElement('input');
    this._addKey.type = 'checkbox';
    this._addKey.checked = form.addKey;
    this._addKey.dataset.field = 'addKey';
    addKey.append(
      this._addKey,
      trans.__('Add the key to an existing Secret of that name')
    );
    this.node.append(addKey);

    this._where = document.createElement('p');
    this._where.className = 'jp-SecretMounts-note';
    this._where.dataset.role = 'where';
    this.node.append(this._where);

    const error = document.createElement('p');
    error.className = 'jp-SecretMounts-moveError';
    error.setAttribute('role', 'alert');
    error.textContent = options.error;
    this.node.append(error);

    for (const input of [this._name, this._key]) {
      input.addEventListener('input', () => this._describe());
    }
    this._describe();
  }

  getValue(): ISecretForm {
    return {
      secretName: this._name.value.trim(),
      key: this._key.value.trim(),
      addKey: this._addKey.checked,
      typedValue: this._typed?.value ?? ''
    };
  }

  private _field(label: string, value: string, name: string): HTMLInputElement {
    const wrapper = document.createElement('label');
    wrapper.className = 'jp-SecretMounts-moveField';
    wrapper.append(label);
    const input = document.createElement('input');
    input.type = 'text';
    input.value = value;
    input.spellcheck = false;
    input.autocomplete = 'off';
    input.dataset.field = name;
    wrapper.append(input);
    this.node.append(wrapper);
    return input;
  }

  /** Where the key will be read from, and when it appears there. */
  private _describe(): void {
    const trans = this._trans;
    const status = this._status;
    const name = this._name.value.trim() || '…';
    const key = this._key.value.trim() || '…';
    const path = `${status.mountRoot.replace(/\/+$/, '')}/${name}/${key}`;
    const owner = status.owner
      ? `${status.owner.kind} ${status.owner.name}`
      : '';
    this._where.textContent =
      status.target === 'none'
        ? trans.__(
            'Creates the Secret in namespace %1. An administrator mounts it; the cell will read %2.',
            status.namespace ?? '',
            path
          )
        : trans.__(
            'Creates the Secret in namespace %1 and mounts it through %2. The cell will read %3, which appears when the workspace restarts (Kubeflow restarts it when its configuration changes: save your work).',
            status.namespace ?? '',
            owner,
            path
          );
  }

  private _addKey: HTMLInputElement;
  private _key: HTMLInputElement;
  private _name: HTMLInputElement;
  private _status: ICreateStatus;
  private _trans: TranslationBundle;
  private _typed: HTMLInputElement | null;
  private _where: HTMLElement;
}

export namespace SecretFormBody {
  export interface IOptions {
    form: ISecretForm;
    source: ValueSource;
    status: ICreateStatus;
    /** The last refusal, shown in the dialog ('' for none). */
    error: string;
    trans: TranslationBundle;
  }
}

/** A problem with the form that needs no server to find, or ''. */
export function checkForm(
  form: ISecretForm,
  typed: boolean,
  trans: TranslationBundle
): string {
  if (!isSecretName(form.secretName)) {
    return trans.__(
      'A Secret name uses lower-case letters, digits, "-" and ".", and starts and ends with a letter or digit.'
    );
  }
  if (!isKey(form.key)) {
    return trans.__('A key uses letters, digits, "-", "_" and ".".');
  }
  if (typed && form.typedValue.length === 0) {
    return trans.__('Type or paste the value.');
  }
  return '';
}

/**
 * Ask for names and create the Secret, until it is made or the user cancels. Every refusal
 * is shown in the dialog; after "name taken" it offers another name or adding the key.
 * `value()` gives the value when the user confirms (null: it is gone, e.g. the cell changed).
 */
export async function askAndMove(options: {
  creation: ISecretCreation;
  names: ISuggestedNames;
  source: ValueSource;
  value: () => string | null;
  trans: TranslationBundle;
}): Promise<IMoved | null> {
  const { creation, source, trans } = options;
  const status = creation.status;
  if (!status) {
    return null;
  }
  let form: ISecretForm = { ...options.names, addKey: false, typedValue: '' };
  let error = '';
  /** The name just refused as taken: the next dialog offers another name or adding the key. */
  let taken = '';
  for (;;) {
    const buttons = taken
      ? [
          Dialog.cancelButton(),
          Dialog.okButton({
            label: trans.__('Add key to %1', taken),
            actions: ['add-key']
          }),
          Dialog.okButton({
            label: trans.__('Create %1', nextName(taken)),
            actions: ['other-name']
          })
        ]
      : [
          Dialog.cancelButton(),
          Dialog.okButton({ label: trans.__('Create Secret') })
        ];
    const result = await showDialog<ISecretForm>({
      title: trans.__('Move to a Kubernetes Secret'),
      body: new SecretFormBody({ form, source, status, error, trans }),
      buttons,
      focusNodeSelector: 'input[data-field="secretName"]'
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    form = result.value;
    if (taken) {
      form = result.button.actions.includes('add-key')
        ? { ...form, secretName: taken, addKey: true }
        : { ...form, secretName: nextName(taken), addKey: false };
      taken = '';
    }
    error = checkForm(form, source.kind === 'typed', trans);
    if (error) {
      continue;
    }
    const value = source.kind === 'typed' ? form.typedValue : options.value();
    if (value === null) {
      error = trans.__(
        'The credential is no longer where it was found; nothing was created.'
      );
      continue;
    }
    try {
      return await creation.move({
        secretName: form.secretName,
        key: form.key,
        value,
        addKey: form.addKey
      });
    } catch (refusal) {
      error =
        refusal instanceof Error
          ? refusal.message
          : trans.__('The server could not be reached.');
      if (
        refusal instanceof SecretMountsAPIError &&
        refusal.reason === 'AlreadyExists'
      ) {
        taken = form.secretName;
      }
    }
  }
}
