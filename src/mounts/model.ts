import { ServerConnection } from '@jupyterlab/services';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { IPoll, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI, requestConditional } from '../api';
import { IKeyRef, ISecretMountsModel, MountsStatus } from './tokens';
import { describeError, InvalidResponseError } from './errors';
import {
  IMountsResponse,
  IPendingMount,
  ISecretMount,
  IServerPolicy,
  IVersionResponse
} from './types';

/** Default delay between two checks for changes, in milliseconds. */
export const DEFAULT_POLL_INTERVAL = 1000;

/** Longest delay between two checks while the server keeps failing. */
const MAX_BACKOFF = 30 * 1000;

/** Shortest delay between two checks. */
const MIN_INTERVAL = 250;

/**
 * The mounted secret folders as the server reports them, kept fresh while someone looks.
 *
 * The model loads once at start. It polls only while something `watch`es it (the panel
 * while it is visible, at the poll interval; the notebook guard while a notebook is open,
 * about once a minute), as often as the most eager watcher asks, and not at all while the
 * browser tab is hidden. Polling sends the last ETag back as `If-None-Match`, so an unchanged
 * listing costs a 304 with no body; a kubelet `..data` swap changes the ETag and shows up on
 * the next tick. Polling backs off while the server fails.
 */
export class SecretMountsModel implements ISecretMountsModel, IDisposable {
  constructor(options: SecretMountsModel.IOptions = {}) {
    this._serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab-secret-mounts'
    );
    this._interval = SecretMountsModel.normalizeInterval(options.pollInterval);
    this._poll = new Poll({
      name: 'jupyterlab-secret-mounts:mounts',
      auto: false,
      factory: () => this._sync(false),
      frequency: Private.frequency(this._interval),
      standby: 'when-hidden'
    });
    if (options.autoStart ?? true) {
      void this.refresh();
    }
  }

  get status(): MountsStatus {
    return this._status;
  }

  get error(): string | null {
    return this._error;
  }

  get mounts(): readonly ISecretMount[] {
    return this._mounts;
  }

  get warnings(): readonly string[] {
    return this._warnings;
  }

  get pending(): readonly IPendingMount[] {
    return this._pending;
  }

  get policy(): IServerPolicy | null {
    return this._policy;
  }

  /** Version of the server extension; null until loaded. */
  get serverVersion(): string | null {
    return this._serverVersion;
  }

  /** Resolves after the first successful load (version, policy and mounts). */
  get ready(): Promise<void> {
    return this._ready.promise;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Milliseconds between checks while the panel watches; `Poll.NEVER` when turned off (0). */
  get pollInterval(): number {
    return this._interval;
  }
  set pollInterval(value: number) {
    this._interval = SecretMountsModel.normalizeInterval(value);
    this._reschedule(false);
  }

  /** Whether the model polls now (someone watches and polling is not turned off). */
  get isPolling(): boolean {
    const phase = this._poll.state.phase;
    return phase !== 'constructed' && phase !== 'stopped';
  }

  /**
   * Keep the list fresh until the returned handle is disposed: every `every` milliseconds,
   * or at the poll interval when omitted. A new watcher gets a check right away.
   */
  watch(every?: number): IDisposable {
    const watcher = { every };
    this._watchers.add(watcher);
    this._reschedule(true);
    return new DisposableDelegate(() => {
      this._watchers.delete(watcher);
      this._reschedule(false);
    });
  }

  /**
   * Reload everything (policy included) from the server now.
   * Never rejects: failures end up in `status` and `error`.
   */
  async refresh(): Promise<void> {
    if (this._status === 'error' && this._mounts.length === 0) {
      // Show progress when retrying from an empty error state.
      this._setState({ status: 'loading', error: null });
    }
    try {
      await this._sync(true);
    } catch {
      // Already reported through `status` and `error`.
    }
  }

  findKey(path: string): IKeyRef | undefined {
    return this._keyIndex.get(path);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  /** Poll as often as the most eager watcher asks; stop when nobody watches. */
  private _reschedule(checkNow: boolean): void {
    if (this._isDisposed) {
      return;
    }
    const wanted = [...this._watchers].map(({ every }) =>
      this._interval === Poll.NEVER || every === undefined
        ? this._interval
        : Math.max(MIN_INTERVAL, every)
    );
    const interval = wanted.length > 0 ? Math.min(...wanted) : Poll.NEVER;
    if (interval === Poll.NEVER) {
      void this._poll.stop();
      return;
    }
    this._poll.frequency = Private.frequency(interval);
    if (!this.isPolling) {
      void this._poll.start();
    } else if (checkNow) {
      void this._poll.refresh();
    }
  }

  /**
   * Fetch what is missing or stale. With `force`, drop the ETag and reload the policy.
   * Rejects on failure so that the poll backs off.
   */
  private async _sync(force: boolean): Promise<void> {
    const ticket = ++this._requested;
    try {
      const needMeta = force || this._policy === null;
      const [version, policy, listing] = await Promise.all([
        this._serverVersion === null
          ? requestAPI<IVersionResponse>('version', {}, this._serverSettings)
          : undefined,
        needMeta
          ? requestAPI<IServerPolicy>('policy', {}, this._serverSettings)
          : undefined,
        requestConditional<IMountsResponse>(
          'mounts',
          {
            cache: 'no-store',
            headers: !force && this._etag ? { 'If-None-Match': this._etag } : {}
          },
          this._serverSettings
        )
      ]);
      if (this._isDisposed || ticket < this._applied) {
        return; // A newer answer has already been applied.
      }
      this._applied = ticket;
      if (version !== undefined) {
        this._serverVersion = Private.checkVersion(version);
      }
      const update: Private.IUpdate = { status: 'ready', error: null };
      if (policy !== undefined) {
        update.policy = Private.checkPolicy(policy);
      }
      if (!listing.notModified) {
        const body = Private.checkMounts(listing.data);
        update.mounts = body.mounts;
        update.warnings = body.warnings;
        update.pending = body.pending ?? [];
        this._etag = listing.etag ?? body.etag ?? null;
      }
      this._setState(update);
      this._ready.resolve();
    } catch (error) {
      if (!this._isDisposed && ticket >= this._applied) {
        this._applied = ticket;
        this._setState({
          status: 'error',
          error: describeError(error, this._trans)
        });
      }
      throw error;
    }
  }

  /** Apply an update and emit `changed` only if something visible changed. */
  private _setState(update: Private.IUpdate): void {
    let changed = false;
    if (update.status !== this._status) {
      this._status = update.status;
      changed = true;
    }
    if (update.error !== this._error) {
      this._error = update.error;
      changed = true;
    }
    if (
      update.policy &&
      JSON.stringify(update.policy) !== JSON.stringify(this._policy)
    ) {
      this._policy = update.policy;
      changed = true;
    }
    if (update.warnings) {
      if (update.warnings.join('\n') !== this._warnings.join('\n')) {
        changed = true;
      }
      this._warnings = update.warnings;
    }
    if (
      update.pending &&
      JSON.stringify(update.pending) !== JSON.stringify(this._pending)
    ) {
      this._pending = update.pending;
      changed = true;
    }
    if (update.mounts) {
      this._mounts = update.mounts;
      this._keyIndex = Private.indexKeys(update.mounts);
      changed = true;
    }
    if (changed) {
      this._changed.emit();
    }
  }

  private _applied = 0;
  private _changed = new Signal<this, void>(this);
  private _error: string | null = null;
  private _etag: string | null = null;
  private _isDisposed = false;
  private _keyIndex = new Map<string, IKeyRef>();
  private _mounts: readonly ISecretMount[] = [];
  private _pending: readonly IPendingMount[] = [];
  private _policy: IServerPolicy | null = null;
  private _poll: Poll;
  private _ready = new PromiseDelegate<void>();
  private _requested = 0;
  private _serverSettings: ServerConnection.ISettings;
  private _serverVersion: string | null = null;
  private _status: MountsStatus = 'loading';
  private _interval: number;
  private _trans: TranslationBundle;
  private _warnings: readonly string[] = [];
  private _watchers = new Set<{ every?: number }>();
}

export namespace SecretMountsModel {
  export interface IOptions {
    /** Server connection; the page's settings by default. */
    serverSettings?: ServerConnection.ISettings;
    translator?: ITranslator;
    /** Milliseconds between checks while the panel watches (default 1000); 0 stops polling. */
    pollInterval?: number;
    /** Load right away (default true); otherwise at the first `refresh` or `watch`. */
    autoStart?: boolean;
  }

  /** A usable poll interval: non-negative milliseconds, 0 meaning "never". */
  export function normalizeInterval(value: number | undefined): number {
    if (value === undefined || !Number.isFinite(value) || value < 0) {
      return DEFAULT_POLL_INTERVAL;
    }
    if (value === 0) {
      return Poll.NEVER;
    }
    // Bounded so that a typo cannot hammer the server or stop updates for hours.
    return Math.min(MAX_BACKOFF, Math.max(MIN_INTERVAL, Math.round(value)));
  }
}

namespace Private {
  export interface IUpdate {
    status: MountsStatus;
    error: string | null;
    policy?: IServerPolicy;
    mounts?: readonly ISecretMount[];
    warnings?: readonly string[];
    pending?: readonly IPendingMount[];
  }

  /** Poll frequency for a poll interval setting; backs off while the server fails. */
  export function frequency(interval: number): IPoll.Frequency {
    return {
      interval,
      backoff: true,
      max:
        interval === Poll.NEVER ? Poll.NEVER : Math.max(interval, MAX_BACKOFF)
    };
  }

  function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null;
  }

  export function checkVersion(body: unknown): string {
    if (!isObject(body) || typeof body.version !== 'string') {
      throw new InvalidResponseError('version');
    }
    return body.version;
  }

  export function checkPolicy(body: unknown): IServerPolicy {
    if (
      !isObject(body) ||
      typeof body.allowReveal !== 'boolean' ||
      !Array.isArray(body.roots)
    ) {
      throw new InvalidResponseError('policy');
    }
    // A server from before these fields neither redacts nor reports errors.
    return {
      redactOutputs: false,
      allowInlineSuppression: true,
      allowGitCredentials: false,
      configErrors: [],
      ...body
    } as unknown as IServerPolicy;
  }

  export function checkMounts(body: unknown): IMountsResponse {
    if (!isObject(body) || !Array.isArray(body.mounts)) {
      throw new InvalidResponseError('mounts');
    }
    for (const mount of body.mounts as unknown[]) {
      if (
        !isObject(mount) ||
        typeof mount.path !== 'string' ||
        !Array.isArray(mount.keys)
      ) {
        throw new InvalidResponseError('mounts');
      }
    }
    return {
      mounts: body.mounts as ISecretMount[],
      warnings: Array.isArray(body.warnings)
        ? (body.warnings as unknown[]).filter(
            (w): w is string => typeof w === 'string'
          )
        : [],
      etag: typeof body.etag === 'string' ? body.etag : '',
      pending: Array.isArray(body.pending)
        ? (body.pending as unknown[]).filter(
            (p): p is IPendingMount =>
              isObject(p) &&
              typeof p.secretName === 'string' &&
              typeof p.key === 'string'
          )
        : []
    };
  }

  export function indexKeys(
    mounts: readonly ISecretMount[]
  ): Map<string, IKeyRef> {
    const index = new Map<string, IKeyRef>();
    for (const mount of mounts) {
      for (const key of mount.keys) {
        index.set(key.path, { mount, key });
      }
    }
    return index;
  }
}
