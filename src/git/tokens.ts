import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

import { IGitCredential, IUseForGitRequest } from './types';

/** Which key git reads for which host (state and signals only; no UI). */
export interface IGitCredentialsModel {
  /** Whether the administrator allows Use for git; false until loaded. */
  readonly allowed: boolean;
  readonly credentials: readonly IGitCredential[];
  /** Why the list could not be read (null when it could). */
  readonly error: string | null;
  readonly changed: ISignal<IGitCredentialsModel, void>;
  refresh(): Promise<void>;
  /** Set git up to read a key for a host; rejects with the server's reason. */
  use(request: IUseForGitRequest): Promise<void>;
  /** Stop git reading a key for a host (`IGitCredential.url`). */
  forget(url: string): Promise<void>;
}

export const IGitCredentialsModel = new Token<IGitCredentialsModel>(
  'jupyterlab-secret-mounts:IGitCredentialsModel',
  'Which mounted secret key git reads as its password, for which host.'
);
