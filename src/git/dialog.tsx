/**
 * The "Use for git" dialog: which key, for which host, with which user name.
 */
import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IKeyRef } from '../mounts/tokens';
import {
  conventionFor,
  HOST_PRESETS,
  hostName,
  UsernameConvention
} from './hosts';
import { IUseForGitRequest } from './types';

/** What the dialog starts with (a key row, a quick fix's URL, or nothing from the palette). */
export interface IUseForGitInitial {
  /** Absolute path of the key. */
  path?: string;
  /** `github.com` or `https://host[:port]`. */
  host?: string;
  username?: string | null;
}

export interface IUseForGitFormProps {
  /** Text keys that can be used (binary and unreadable keys left out). */
  refs: readonly IKeyRef[];
  initial: IUseForGitInitial;
  trans: TranslationBundle;
  onChange: (request: IUseForGitRequest | null) => void;
}

const OTHER = 'other';

/** The form; reports a complete request, or null while something is missing. */
export function UseForGitForm(props: IUseForGitFormProps): JSX.Element {
  const { refs, initial, trans, onChange } = props;
  const id = React.useId();
  // `https://github.com` from a URL is the github.com preset; other schemes or ports are not.
  const initialHost =
    initial.host && /^https:\/\/[^:/]+$/i.test(initial.host)
      ? hostName(initial.host)
      : initial.host;
  const preset = HOST_PRESETS.find(
    p => initialHost === undefined || p.host === initialHost
  );
  const [path, setPath] = React.useState(
    initial.path ?? refs[0]?.key.path ?? ''
  );
  const [hostChoice, setHostChoice] = React.useState(
    initialHost === undefined ? HOST_PRESETS[0].host : (preset?.host ?? OTHER)
  );
  const [otherHost, setOtherHost] = React.useState(
    preset ? '' : (initialHost ?? '')
  );
  const host = hostChoice === OTHER ? otherHost.trim() : hostChoice;
  const initialUser = initial.username ?? null;
  const [convention, setConvention] = React.useState<UsernameConvention>(
    initialUser === null
      ? conventionFor(host)
      : initialUser === 'x-access-token' || initialUser === 'oauth2'
        ? initialUser
        : 'name'
  );
  const [name, setName] = React.useState(
    initialUser !== null &&
      initialUser !== 'x-access-token' &&
      initialUser !== 'oauth2'
      ? initialUser
      : ''
  );
  const [conventionTouched, setConventionTouched] = React.useState(
    initialUser !== null
  );

  const ref = refs.find(r => r.key.path === path);
  const username = convention === 'name' ? name.trim() : convention;
  React.useEffect(() => {
    onChange(
      ref && host && username
        ? { mount: ref.mount.path, key: ref.key.name, host, username }
        : null
    );
  }, [ref, host, username]);

  const chooseHost = (choice: string) => {
    setHostChoice(choice);
    if (!conventionTouched) {
      setConvention(conventionFor(choice === OTHER ? otherHost : choice));
    }
  };

  return (
    <div className="jp-SecretMounts-gitForm">
      <label htmlFor={`${id}-key`}>{trans.__('Key')}</label>
      <select
        id={`${id}-key`}
        className="jp-mod-styled"
        data-role="git-key"
        value={path}
        onChange={event => setPath(event.target.value)}
      >
        {refs.map(r => (
          <option key={r.key.path} value={r.key.path} title={r.key.path}>
            {`${r.mount.name}/${r.key.name}`}
          </option>
        ))}
      </select>

      <fieldset data-role="git-host">
        <legend>{trans.__('Host')}</legend>
        {HOST_PRESETS.map(p => (
          <label key={p.host}>
            <input
              type="radio"
              name={`${id}-host`}
              value={p.host}
              checked={hostChoice === p.host}
              onChange={() => chooseHost(p.host)}
            />
            {p.host}
          </label>
        ))}
        <label>
          <input
            type="radio"
            name={`${id}-host`}
            value={OTHER}
            checked={hostChoice === OTHER}
            onChange={() => chooseHost(OTHER)}
          />
          {trans.__('Other:')}
          <input
            type="text"
            className="jp-mod-styled"
            data-role="git-other-host"
            aria-label={trans.__('Other host')}
            placeholder={trans.__('git.example.com')}
            value={otherHost}
            onFocus={() => chooseHost(OTHER)}
            onChange={event => {
              setOtherHost(event.target.value);
              if (!conventionTouched) {
                setConvention(conventionFor(event.target.value));
              }
            }}
          />
        </label>
      </fieldset>

      <fieldset data-role="git-username">
        <legend>{trans.__('User name sent with the token')}</legend>
        {(['x-access-token', 'oauth2'] as const).map(value => (
          <label key={value}>
            <input
              type="radio"
              name={`${id}-user`}
              value={value}
              checked={convention === value}
              onChange={() => {
                setConvention(value);
                setConventionTouched(true);
              }}
            />
            <code>{value}</code>
          </label>
        ))}
        <label>
          <input
            type="radio"
            name={`${id}-user`}
            value="name"
            checked={convention === 'name'}
            onChange={() => {
              setConvention('name');
              setConventionTouched(true);
            }}
          />
          {trans.__('A user name:')}
          <input
            type="text"
            className="jp-mod-styled"
            data-role="git-user-name"
            aria-label={trans.__('User name')}
            value={name}
            onFocus={() => {
              setConvention('name');
              setConventionTouched(true);
            }}
            onChange={event => setName(event.target.value)}
          />
        </label>
      </fieldset>

      <p className="jp-SecretMounts-note">
        {trans.__(
          'Git will read this file each time %1 asks for a password, so a rotated Secret is used as soon as it is mounted. The value is not copied into git’s config, a credentials file or a notebook.',
          hostName(host) || trans.__('the host')
        )}
      </p>
    </div>
  );
}

class UseForGitBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IUseForGitRequest | null>
{
  constructor(private _props: Omit<IUseForGitFormProps, 'onChange'>) {
    super();
    this.addClass('jp-SecretMounts-gitDialogBody');
  }

  getValue(): IUseForGitRequest | null {
    return this._value;
  }

  protected render(): JSX.Element {
    return (
      <UseForGitForm
        {...this._props}
        onChange={value => (this._value = value)}
      />
    );
  }

  private _value: IUseForGitRequest | null = null;
}

/** Ask what to set up; null when the user cancels or leaves something out. */
export async function chooseGitUse(
  props: Omit<IUseForGitFormProps, 'onChange'>
): Promise<IUseForGitRequest | null> {
  const { trans } = props;
  const dialog = new Dialog<IUseForGitRequest | null>({
    title: trans.__('Use a mounted secret for git'),
    body: new UseForGitBody(props),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Use for git') })
    ],
    focusNodeSelector: 'select'
  });
  dialog.addClass('jp-SecretMounts-gitDialog');
  const result = await dialog.launch();
  return result.button.accept ? result.value : null;
}
