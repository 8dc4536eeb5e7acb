import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';

import { SecretMountsAPIError } from '../api';

/**
 * Turn a failed request into a message that tells the user what to do.
 * Server messages never carry secret values (the server guarantees it), so they may be shown.
 */
export function describeError(
  error: unknown,
  trans: TranslationBundle = nullTranslator.load('jupyterlab-secret-mounts')
): string {
  if (error instanceof ServerConnection.NetworkError) {
    return trans.__(
      'Cannot reach the Jupyter server. Check that it is still running and that you are online, then retry.'
    );
  }
  if (error instanceof SecretMountsAPIError) {
    switch (error.status) {
      case 404:
        return trans.__(
          'The Secret Mounts server extension is not running on this Jupyter server: it is not enabled, or it failed to load. If it failed to load, the Jupyter server log says why (search it for "jupyterlab_secret_mounts"). If it is not enabled, install the Python package jupyterlab-secret-mounts in the server environment and run "jupyter server extension enable jupyterlab_secret_mounts". Then restart the server.'
        );
      case 401:
      case 403:
        return trans.__(
          'The Jupyter server refused the request (%1). Your session may have expired: reload the page and sign in again. If it persists, ask your administrator for access to secret mounts.',
          error.status
        );
      default:
        if (error.status >= 500) {
          return trans.__(
            'The Secret Mounts server extension failed (%1: %2). Details are in the Jupyter server log.',
            error.status,
            error.message
          );
        }
        return trans.__(
          'The Secret Mounts server extension rejected the request (%1: %2).',
          error.status,
          error.message
        );
    }
  }
  if (error instanceof InvalidResponseError) {
    return trans.__(
      'The Jupyter server answered with data this version of Secret Mounts does not understand (%1). Make sure the Python package and the JupyterLab extension are the same version.',
      error.message
    );
  }
  return trans.__(
    'Could not load secret mounts: %1',
    error instanceof Error ? error.message : String(error)
  );
}

/** A response that does not have the shape of the REST contract. */
export class InvalidResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidResponseError';
  }
}
