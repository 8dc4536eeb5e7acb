import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../api';
import { InvalidResponseError } from './errors';
import { IRevealRequest, IRevealResponse } from './types';

/**
 * Ask the server for one value. Only works where the admin allows reveal.
 * The caller shows it briefly and drops it: nothing here keeps, caches or logs it.
 */
export async function revealValue(
  request: IRevealRequest,
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<IRevealResponse> {
  const body = await requestAPI<unknown>(
    'reveal',
    { method: 'POST', body: JSON.stringify(request) },
    settings
  );
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof (body as { value?: unknown }).value !== 'string'
  ) {
    throw new InvalidResponseError('reveal');
  }
  const { value, encoding, hideAfterSeconds } = body as {
    value: string;
    encoding?: unknown;
    hideAfterSeconds?: unknown;
  };
  return {
    value,
    encoding: encoding === 'base64' ? 'base64' : 'utf-8',
    hideAfterSeconds:
      typeof hideAfterSeconds === 'number' && hideAfterSeconds > 0
        ? hideAfterSeconds
        : undefined
  };
}
