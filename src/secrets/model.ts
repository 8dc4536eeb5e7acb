import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI, SecretMountsAPIError } from '../api';
import { ICreateStatus, IMoved, IMoveRequest } from '../mounts/types';
import { ISecretCreation } from './tokens';

/** The server's answers about Secret creation (GET /kubernetes, POST /secrets). */
export class SecretCreationModel implements ISecretCreation {
  constructor(
    private readonly _serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  get status(): ICreateStatus | null {
    return this._status;
  }

  get ready(): boolean {
    return this._status?.ready === true;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  async refresh(): Promise<void> {
    try {
      this._status = await requestAPI<ICreateStatus>(
        'kubernetes',
        { cache: 'no-store' },
        this._serverSettings
      );
    } catch (error) {
      this._status = null;
      console.warn(
        'jupyterlab-secret-mounts: cannot ask whether Secrets can be created:',
        error instanceof Error ? error.message : String(error)
      );
    }
    this._changed.emit();
  }

  async move(request: IMoveRequest): Promise<IMoved> {
    const moved = await requestAPI<IMoved>(
      'secrets',
      { method: 'POST', body: JSON.stringify(request) },
      this._serverSettings
    );
    if (!moved || typeof moved.secretName !== 'string') {
      throw new SecretMountsAPIError('The server gave no answer.', 502);
    }
    return moved;
  }

  private _changed = new Signal<this, void>(this);
  private _status: ICreateStatus | null = null;
}
