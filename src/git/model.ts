import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI } from '../api';
import { describeError } from '../mounts/errors';
import { IGitCredentialsModel } from './tokens';
import {
  IGitCredential,
  IGitCredentialsResponse,
  IUseForGitRequest
} from './types';

/** The server's record of Use for git (read from git's own config on every request). */
export class GitCredentialsModel implements IGitCredentialsModel {
  constructor(options: GitCredentialsModel.IOptions = {}) {
    this._serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
  }

  get allowed(): boolean {
    return this._allowed;
  }

  get credentials(): readonly IGitCredential[] {
    return this._credentials;
  }

  get error(): string | null {
    return this._error;
  }

  get changed(): ISignal<IGitCredentialsModel, void> {
    return this._changed;
  }

  async refresh(): Promise<void> {
    try {
      this._apply(await this._request({ method: 'GET' }));
    } catch (reason) {
      this._error = describeError(reason);
      this._changed.emit();
    }
  }

  async use(request: IUseForGitRequest): Promise<void> {
    this._apply(
      await this._request({ method: 'POST', body: JSON.stringify(request) })
    );
  }

  async forget(url: string): Promise<void> {
    this._apply(
      await this._request(
        { method: 'DELETE' },
        `?url=${encodeURIComponent(url)}`
      )
    );
  }

  private _request(
    init: RequestInit,
    query = ''
  ): Promise<IGitCredentialsResponse> {
    return requestAPI<IGitCredentialsResponse>(
      `git${query}`,
      init,
      this._serverSettings
    );
  }

  private _apply(response: IGitCredentialsResponse): void {
    this._allowed = response.allowed === true;
    this._credentials = Array.isArray(response.credentials)
      ? response.credentials
      : [];
    this._error = response.error ?? null;
    this._changed.emit();
  }

  private _allowed = false;
  private _changed = new Signal<IGitCredentialsModel, void>(this);
  private _credentials: IGitCredential[] = [];
  private _error: string | null = null;
  private _serverSettings: ServerConnection.ISettings;
}

export namespace GitCredentialsModel {
  export interface IOptions {
    serverSettings?: ServerConnection.ISettings;
  }
}
