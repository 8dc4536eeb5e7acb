import { TranslationBundle } from '@jupyterlab/translation';
import { codeIcon, copyIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useRef, useState } from 'react';

import { SecretMountsAPIError } from '../../api';
import { describeError } from '../../mounts/errors';
import { IRevealResponse, ISecretKey, ISecretMount } from '../../mounts/types';
import { gitIcon } from '../../git/icons';
import { formatSize, MASK } from '../format';
import { hideIcon, revealIcon } from '../icons';
import { ActionButton } from './ActionButton';
import { IKeyActions } from './actions';

/** How long the "copied" confirmation stays, in milliseconds. */
const COPIED_FEEDBACK_MS = 2000;

export interface IKeyRowProps {
  mount: ISecretMount;
  secretKey: ISecretKey;
  actions: IKeyActions;
  /** Seconds a revealed value stays visible. */
  revealSeconds: number;
  trans: TranslationBundle;
}

/** One key: name, badges, masked value, size and mode, and its actions. */
export function KeyRow(props: IKeyRowProps): JSX.Element {
  const { secretKey: key, actions, trans } = props;
  const reveal = useTimedReveal(props);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) {
      return;
    }
    const timer = setTimeout(() => setCopied(false), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    await actions.copyPath(key.path);
    setCopied(true);
  };

  return (
    <li
      className="jp-SecretMounts-key"
      data-path={key.path}
      data-key={key.name}
      data-fingerprint={key.fingerprint}
      data-error={key.error ? 'true' : undefined}
    >
      <div className="jp-SecretMounts-keyHeader">
        <span className="jp-SecretMounts-keyName" title={key.path}>
          {key.name}
        </span>
        {key.binary && (
          <span className="jp-SecretMounts-badge" data-badge="binary">
            {trans.__('binary')}
          </span>
        )}
        {key.json && (
          <span className="jp-SecretMounts-badge" data-badge="json">
            {trans.__('JSON')}
          </span>
        )}
        {key.tooGuessable && (
          <span
            className="jp-SecretMounts-badge"
            data-badge="too-guessable"
            title={trans.__(
              'This value is too short or too simple to look for safely: pasting it into a notebook is not flagged. Read the file instead of copying its value.'
            )}
          >
            {trans.__('too short to guard')}
          </span>
        )}
        <span className="jp-SecretMounts-actions">
          <ActionButton
            action="copy-path"
            icon={copyIcon}
            label={
              copied
                ? trans.__('Path copied')
                : trans.__('Copy path %1', key.path)
            }
            onClick={copy}
          />
          {actions.insertReference && (
            <ActionButton
              action="insert-reference"
              icon={codeIcon}
              label={trans.__('Insert code that reads %1', key.path)}
              onClick={() => actions.insertReference?.(key.path)}
              keepFocus
            />
          )}
          {actions.useForGit && !key.binary && !key.error && (
            <ActionButton
              action="use-for-git"
              icon={gitIcon}
              label={trans.__('Use %1 for git…', key.name)}
              onClick={() => actions.useForGit?.(key.path)}
            />
          )}
          {reveal.available &&
            (reveal.shown ? (
              <ActionButton
                action="hide"
                icon={hideIcon}
                label={trans.__('Hide value of %1', key.name)}
                onClick={reveal.hide}
                pressed={true}
              />
            ) : (
              <ActionButton
                action="reveal"
                icon={revealIcon}
                label={trans.__(
                  'Reveal value of %1 for %2 seconds',
                  key.name,
                  props.revealSeconds
                )}
                onClick={reveal.show}
                disabled={reveal.pending}
                pressed={false}
              />
            ))}
        </span>
      </div>
      <div className="jp-SecretMounts-keyDetails">
        {reveal.shown ? (
          <code
            className="jp-SecretMounts-revealed"
            data-encoding={reveal.shown.encoding}
          >
            {reveal.shown.value}
          </code>
        ) : (
          <span
            className="jp-SecretMounts-mask"
            role="img"
            aria-label={trans.__('Value hidden')}
          >
            {MASK}
          </span>
        )}
        <span className="jp-SecretMounts-keyMeta">
          {formatSize(key.size, trans)} · {key.mode}
          {reveal.shown?.encoding === 'base64' && ` · ${trans.__('base64')}`}
        </span>
      </div>
      {copied && (
        <div className="jp-SecretMounts-status" role="status">
          {trans.__('Path copied to the clipboard.')}
        </div>
      )}
      {key.error && (
        <div className="jp-SecretMounts-errorText" data-role="key-error">
          {key.error}
        </div>
      )}
      {reveal.error && (
        <div className="jp-SecretMounts-errorText" role="alert">
          {reveal.error}
        </div>
      )}
      {/* Tells screen readers when the value goes away; never repeats the value itself. */}
      <span className="jp-SecretMounts-srOnly" role="status" aria-live="polite">
        {reveal.shown
          ? trans.__(
              'Value shown; it hides again in %1 seconds.',
              reveal.shown.hideAfterSeconds ?? props.revealSeconds
            )
          : ''}
      </span>
    </li>
  );
}

/**
 * The revealed value lives only in this row's state, and only for `revealSeconds`. It is
 * dropped when the time is up, when the key's content changes (rotation), when reveal stops
 * being allowed, and when the row goes away.
 */
function useTimedReveal(props: IKeyRowProps) {
  const { mount, secretKey: key, actions, revealSeconds, trans } = props;
  const available = actions.reveal !== undefined;
  const [shown, setShown] = useState<IRevealResponse | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!shown) {
      return;
    }
    // The server's own limit wins when it sends one.
    const seconds = shown.hideAfterSeconds ?? revealSeconds;
    const timer = setTimeout(() => setShown(null), seconds * 1000);
    return () => clearTimeout(timer);
  }, [shown, revealSeconds]);

  useEffect(() => setShown(null), [key.fingerprint, available]);

  // Ignore an answer that arrives after the row has gone.
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const show = async () => {
    if (!actions.reveal) {
      return;
    }
    setPending(true);
    setError(null);
    try {
      const value = await actions.reveal(mount, key);
      if (alive.current) {
        setShown(value);
      }
    } catch (reason) {
      if (alive.current) {
        setError(
          reason instanceof SecretMountsAPIError && reason.status === 403
            ? trans.__('This server does not allow revealing values.')
            : describeError(reason, trans)
        );
      }
    } finally {
      if (alive.current) {
        setPending(false);
      }
    }
  };

  return {
    available,
    shown: available ? shown : null,
    pending,
    error,
    show,
    hide: () => setShown(null)
  };
}
