import { Token } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';
import { ISignal } from '@lumino/signaling';

import {
  IPendingMount,
  ISecretKey,
  ISecretMount,
  IServerPolicy
} from './types';

/** Loading state of the mounts model. */
export type MountsStatus = 'loading' | 'ready' | 'error';

/** A key together with the folder it belongs to. */
export interface IKeyRef {
  mount: ISecretMount;
  key: ISecretKey;
}

/**
 * The mounted secret folders as the server reports them (names and metadata, never values),
 * plus the server's read-only policy. State and signals only; no UI.
 */
export interface ISecretMountsModel {
  readonly status: MountsStatus;
  /** A user-facing message when `status` is `error`. */
  readonly error: string | null;
  readonly mounts: readonly ISecretMount[];
  /** Problems not tied to one folder (e.g. an unreadable root). */
  readonly warnings: readonly string[];
  /** Secrets created from here that are not mounted yet. */
  readonly pending: readonly IPendingMount[];
  /** Admin policy from the server; null until loaded. */
  readonly policy: IServerPolicy | null;
  /** Emitted whenever status, mounts, warnings or policy change. */
  readonly changed: ISignal<ISecretMountsModel, void>;
  /** Reload from the server now. */
  refresh(): Promise<void>;
  /** Find a key by its absolute path. */
  findKey(path: string): IKeyRef | undefined;
  /**
   * Keep the list fresh until the handle is disposed: every `every` milliseconds, or at
   * the user's poll interval when omitted. Nothing is polled while nobody watches.
   */
  watch(every?: number): IDisposable;
}

export const ISecretMountsModel = new Token<ISecretMountsModel>(
  'jupyterlab-secret-mounts:ISecretMountsModel',
  'The mounted secret folders and the server policy.'
);
