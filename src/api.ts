import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** Error from the server extension, carrying the HTTP status and the server's message. */
export class SecretMountsAPIError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Seconds the server asked to wait before trying again (`Retry-After`), if it did. */
    readonly retryAfter: number | null = null,
    /** Which case the server named (`reason` of its answer), e.g. `AlreadyExists`. */
    readonly reason: string = ''
  ) {
    super(message);
    this.name = 'SecretMountsAPIError';
  }
}

/** Result of a request that may answer 304 Not Modified. */
export interface IConditionalResult<T> {
  /** Undefined when the server answered 304 Not Modified (or sent no JSON body). */
  data?: T;
  etag: string | null;
  /** True when the server answered 304 Not Modified. */
  notModified: boolean;
}

/**
 * Call the server extension under `<base_url>/secret-mounts/<endpoint>`.
 * `ServerConnection.makeRequest` adds the token and the XSRF header.
 */
export async function requestAPI<T>(
  endpoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const { data } = await requestConditional<T>(endpoint, init, settings);
  return data as T;
}

/** Like `requestAPI`, but also reports the ETag and tolerates 304. */
export async function requestConditional<T>(
  endpoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<IConditionalResult<T>> {
  const url = URLExt.join(settings.baseUrl, 'secret-mounts', endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const etag = response.headers.get('ETag');
  // Read every body, even a 304's empty one: Chromium cancels a response whose body is
  // never read, and reports each such poll as a failed request (net::ERR_ABORTED).
  const text = await response.text();
  if (response.status === 304) {
    return { etag, notModified: true };
  }
  let body: unknown = undefined;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!response.ok) {
    const message =
      (body as { message?: string } | undefined)?.message ||
      `${response.status} ${response.statusText}`;
    const retryAfter = Number(response.headers.get('Retry-After'));
    const reason = (body as { reason?: unknown } | undefined)?.reason;
    throw new SecretMountsAPIError(
      message,
      response.status,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      typeof reason === 'string' ? reason : ''
    );
  }
  return { data: body as T, etag, notModified: false };
}
