import { requestAPI, SecretMountsAPIError } from '../api';
import {
  ILeakCheckRequest,
  ILeakCheckResponse,
  ILeakMatch
} from '../mounts/types';

/** A text to check for exact mounted values, with an id echoed in the matches. */
export interface ICheckText {
  id: string;
  text: string;
}

/** Asks the server which ranges of some texts equal a mounted secret value. */
export interface ILeakChecker {
  /**
   * Matches (ranges and folder/key, never a value) for the given texts.
   * Resolves to no matches when the server cannot check; never rejects.
   */
  check(texts: readonly ICheckText[]): Promise<ILeakMatch[]>;
}

/** Sends one check request; replaceable in tests. */
export type CheckRequest = (
  body: ILeakCheckRequest
) => Promise<ILeakCheckResponse>;

/** The real request: `POST /secret-mounts/check`. */
export const postCheck: CheckRequest = body =>
  requestAPI<ILeakCheckResponse>('check', {
    method: 'POST',
    body: JSON.stringify(body)
  });

/**
 * Exact-value checks against the server, coalesced: every `check` call made in
 * the same JavaScript turn (a notebook rendering its outputs, a debounced scan)
 * travels in one request.
 */
export class LeakChecker implements ILeakChecker {
  constructor(options: LeakChecker.IOptions = {}) {
    this._request = options.request ?? postCheck;
    this._onError = options.onError ?? (() => undefined);
  }

  /**
   * False once the server said it has no check endpoint (extension not enabled) or that this
   * user may not use it (403: only users who may run code may ask which values are mounted).
   */
  get available(): boolean {
    return this._available;
  }

  check(texts: readonly ICheckText[]): Promise<ILeakMatch[]> {
    const wanted = texts.filter(t => t.text.length > 0);
    if (!this._available || wanted.length === 0) {
      return Promise.resolve([]);
    }
    return new Promise<ILeakMatch[]>(resolve => {
      this._queue.push({ texts: wanted, resolve });
      if (this._queue.length === 1) {
        // Flush after the current turn so that concurrent callers share one request.
        void Promise.resolve().then(() => this._flush());
      }
    });
  }

  private async _flush(): Promise<void> {
    const queue = this._queue;
    this._queue = [];
    // Ids are made unique per caller, then mapped back.
    const texts: ICheckText[] = [];
    queue.forEach((entry, caller) => {
      for (const t of entry.texts) {
        texts.push({ id: `${caller}\u0000${t.id}`, text: t.text });
      }
    });
    const perCaller: ILeakMatch[][] = queue.map(() => []);
    try {
      const responses = await Promise.all(
        Private.chunks(texts).map(chunk => this._send(chunk))
      );
      const matches = responses.flatMap(response => response?.matches ?? []);
      for (const match of matches) {
        const split = match.id.indexOf('\u0000');
        const caller = Number(match.id.slice(0, split));
        if (split < 0 || !perCaller[caller]) {
          continue;
        }
        perCaller[caller].push({ ...match, id: match.id.slice(split + 1) });
      }
    } catch (error) {
      if (
        error instanceof SecretMountsAPIError &&
        (error.status === 404 || error.status === 403)
      ) {
        this._available = false;
      }
      this._onError(error);
    }
    queue.forEach((entry, caller) => entry.resolve(perCaller[caller]));
  }

  /** One request; a 429 (over the per-user budget) is retried after the wait it names. */
  private async _send(texts: ICheckText[]): Promise<ILeakCheckResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this._request({ texts });
      } catch (error) {
        const wait =
          error instanceof SecretMountsAPIError && error.status === 429
            ? (error.retryAfter ?? 1)
            : null;
        if (wait === null || attempt >= Private.MAX_ATTEMPTS) {
          throw error;
        }
        await new Promise(resolve =>
          setTimeout(resolve, Math.min(wait, Private.MAX_WAIT_SECONDS) * 1000)
        );
      }
    }
  }

  private _available = true;
  private _queue: {
    texts: ICheckText[];
    resolve: (matches: ILeakMatch[]) => void;
  }[] = [];
  private _request: CheckRequest;
  private _onError: (error: unknown) => void;
}

namespace Private {
  /**
   * Characters per request: under the server's 8 MiB body limit even if every character
   * took six bytes of JSON (`\u0000`).
   */
  export const MAX_CHARS = 1_000_000;
  /** Texts per request (the server accepts 10,000). */
  export const MAX_TEXTS = 10_000;
  /** Tries of one request the server answered 429 (over the user's budget). */
  export const MAX_ATTEMPTS = 3;
  /** Longest wait before a retry, whatever `Retry-After` said. */
  export const MAX_WAIT_SECONDS = 30;

  /** Split texts into requests the server accepts; a text larger than the limit goes alone. */
  export function chunks(texts: ICheckText[]): ICheckText[][] {
    const result: ICheckText[][] = [];
    let current: ICheckText[] = [];
    let size = 0;
    for (const text of texts) {
      if (
        current.length > 0 &&
        (size + text.text.length > MAX_CHARS || current.length >= MAX_TEXTS)
      ) {
        result.push(current);
        current = [];
        size = 0;
      }
      current.push(text);
      size += text.text.length;
    }
    if (current.length > 0) {
      result.push(current);
    }
    return result;
  }
}

export namespace LeakChecker {
  export interface IOptions {
    /** How to send a request (default: `POST /secret-mounts/check`). */
    request?: CheckRequest;
    /** Told about failed requests (the error never carries a value). */
    onError?: (error: unknown) => void;
  }
}
