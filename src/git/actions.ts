/**
 * What "Use for git" does from the panel, the palette and the guard's quick fix: ask, set git
 * up on the server, tell the user.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';

import { requestAPI, SecretMountsAPIError } from '../api';
import { CommandIDs } from '../commands';
import { describeError } from '../mounts/errors';
import { IKeyRef, ISecretMountsModel } from '../mounts/tokens';
import { ILeakCheckResponse } from '../mounts/types';
import { chooseGitUse, IUseForGitInitial } from './dialog';
import { displayHost } from './hosts';
import { IGitCredentialsModel } from './tokens';
import { IGitUrlCredential } from './urls';

/**
 * The "Move to a Kubernetes Secret" flow for a value typed into its dialog, offered for a token
 * that is not mounted; enabled only where the server can create Secrets.
 */
export const MOVE_TO_SECRET_COMMAND = CommandIDs.addSecret;

export interface IGitActionContext {
  model: IGitCredentialsModel;
  mounts: ISecretMountsModel;
  trans: TranslationBundle;
  serverSettings?: ServerConnection.ISettings;
  /**
   * Offer to put a token that is not mounted into a Kubernetes Secret (the "Move to a
   * Kubernetes Secret" flow), where the administrator allows it; absent where it does not.
   */
  moveToSecret?: () => void;
}

/** Keys git can read as a password: readable text keys. */
export function gitKeyRefs(mounts: ISecretMountsModel): IKeyRef[] {
  return mounts.mounts.flatMap(mount =>
    mount.keys
      .filter(key => !key.binary && !key.error)
      .map(key => ({ mount, key }))
  );
}

/** The dialog, then the server; resolves true when git is set up. */
export async function useForGit(
  context: IGitActionContext,
  initial: IUseForGitInitial = {}
): Promise<boolean> {
  const { model, mounts, trans } = context;
  if (!model.allowed) {
    await model.refresh();
  }
  if (!model.allowed) {
    Notification.warning(
      trans.__(
        'Git credentials from mounted secrets are turned off on this server.'
      ),
      { autoClose: 8000 }
    );
    return false;
  }
  const refs = gitKeyRefs(mounts);
  if (refs.length === 0) {
    Notification.info(trans.__('No mounted text key to use for git.'), {
      autoClose: 5000
    });
    return false;
  }
  const request = await chooseGitUse({ refs, initial, trans });
  if (!request) {
    return false;
  }
  try {
    await model.use(request);
  } catch (reason) {
    Notification.error(
      trans.__('Git was not set up: %1', serverMessage(reason, trans)),
      { autoClose: false }
    );
    return false;
  }
  Notification.success(
    trans.__(
      'Git now reads %1 as the password for %2.',
      `${request.mount.replace(/\/+$/, '')}/${request.key}`,
      displayHost(request.host)
    ),
    { autoClose: 6000 }
  );
  return true;
}

/**
 * The quick fix for a token in a git URL: when the token is a mounted value (the server's
 * exact-match check, which answers with a folder and key, never a value), set git up for the
 * URL's host; resolves true when the URL may lose its token. When it is not mounted, say so
 * and offer moving it to a Secret where that is allowed.
 */
export async function useMountedSecretForUrl(
  context: IGitActionContext,
  found: IGitUrlCredential,
  known?: { mount: string; key: string }
): Promise<boolean> {
  const match = known ?? (await mountedKeyOf(found.token, context));
  if (!match) {
    await explainNotMounted(context, found);
    return false;
  }
  const path = `${match.mount.replace(/\/+$/, '')}/${match.key}`;
  return useForGit(context, {
    path,
    host: found.host,
    username: found.username
  });
}

/** Which mounted key holds exactly `token`, by the server's leak check. */
async function mountedKeyOf(
  token: string,
  context: IGitActionContext
): Promise<{ mount: string; key: string } | null> {
  try {
    const response = await requestAPI<ILeakCheckResponse>(
      'check',
      {
        method: 'POST',
        body: JSON.stringify({ texts: [{ id: 'token', text: token }] })
      },
      context.serverSettings
    );
    const whole = response.matches.find(
      m => m.start === 0 && m.end === token.length && m.encoding === 'raw'
    );
    return whole ? { mount: whole.mount, key: whole.key } : null;
  } catch (reason) {
    Notification.error(serverMessage(reason, context.trans), {
      autoClose: 8000
    });
    return null;
  }
}

async function explainNotMounted(
  context: IGitActionContext,
  found: IGitUrlCredential
): Promise<void> {
  const { trans, moveToSecret } = context;
  const body = trans.__(
    'This token is not the value of any mounted secret, so git has nothing to read it from. Keep it in a Kubernetes Secret mounted into the workspace, then choose Use for git on its key for %1. The token stays in the cell until then.',
    displayHost(found.host)
  );
  const result = await showDialog({
    title: trans.__('The token is not mounted'),
    body,
    buttons: moveToSecret
      ? [
          Dialog.cancelButton({ label: trans.__('Close') }),
          Dialog.okButton({ label: trans.__('Move to a Kubernetes Secret…') })
        ]
      : [Dialog.okButton({ label: trans.__('Close') })]
  });
  if (moveToSecret && result.button.accept) {
    moveToSecret();
  }
}

/** The server's own reason where it gave one (it never names a value). */
function serverMessage(reason: unknown, trans: TranslationBundle): string {
  if (
    reason instanceof SecretMountsAPIError &&
    [400, 403, 404, 409, 429].includes(reason.status)
  ) {
    return reason.message;
  }
  return describeError(reason, trans);
}

/** What the git flows need, with the move-to-a-Secret flow where it is available. */
export function gitActionContext(
  app: JupyterFrontEnd,
  model: IGitCredentialsModel,
  mounts: ISecretMountsModel,
  trans: IGitActionContext['trans']
): IGitActionContext {
  const { commands } = app;
  const canMove =
    commands.hasCommand(MOVE_TO_SECRET_COMMAND) &&
    commands.isEnabled(MOVE_TO_SECRET_COMMAND);
  return {
    model,
    mounts,
    trans,
    serverSettings: app.serviceManager.serverSettings,
    moveToSecret: canMove
      ? () => void commands.execute(MOVE_TO_SECRET_COMMAND)
      : undefined
  };
}
