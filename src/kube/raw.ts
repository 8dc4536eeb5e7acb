/**
 * One GET the generated clients cannot make: they turn every answer into
 * their typed model, which drops a `Table`. Authenticates exactly as they do
 * (`KubeConfig.applyToHTTPSOptions`: certificates, tokens, exec plugins).
 */
import * as https from 'node:https';
import type { IKubeSession } from './session';

const TIMEOUT_MS = 30_000;
const MAX_BYTES = 1024 * 1024;

/** An answer that was not 200, carrying the status like the client's ApiException. */
export class RawHttpError extends Error {
  constructor(readonly code: number) {
    super(`HTTP ${code}`);
  }
}

export async function getJson(
  session: IKubeSession,
  path: string,
  accept: string
): Promise<unknown> {
  const options: https.RequestOptions = {
    method: 'GET',
    headers: { Accept: accept },
    timeout: TIMEOUT_MS
  };
  await session.config.applyToHTTPSOptions(options);
  const url = `${session.server.replace(/\/+$/, '')}${path}`;
  return new Promise((resolve, reject) => {
    const request = https.request(url, options, response => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) {
          request.destroy(new Error('answer too large'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new RawHttpError(response.statusCode ?? 0));
          return;
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end();
  });
}
