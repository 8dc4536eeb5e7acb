import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

import { ICreateStatus, IMoved, IMoveRequest } from '../mounts/types';

/**
 * Creating Kubernetes Secrets from the workspace, as the server allows it: its status (what
 * it can do here and why not) and the one request that carries a value to the server.
 */
export interface ISecretCreation {
  /** Null until loaded. */
  readonly status: ICreateStatus | null;
  /** True when a Secret can be created and mounted now. */
  readonly ready: boolean;
  readonly changed: ISignal<ISecretCreation, void>;
  /** Ask the server again (after an admin changed something). */
  refresh(): Promise<void>;
  /**
   * Create the Secret (or add the key) and mount it; the value is sent once and never
   * returned. Rejects with `SecretMountsAPIError` (its message is one sentence).
   */
  move(request: IMoveRequest): Promise<IMoved>;
}

export const ISecretCreation = new Token<ISecretCreation>(
  'jupyterlab-secret-mounts:ISecretCreation',
  'Creating Kubernetes Secrets from the workspace, as the server allows it.'
);
