/**
 * A throw-away self-signed certificate for the fake API server, made with the
 * openssl command line at test time (nothing secret is stored in the repo).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ITestCertificate {
  cert: string;
  key: string;
}

let cached: ITestCertificate | undefined;

/** A certificate for 127.0.0.1 and localhost, valid for two days. */
export function testCertificate(): ITestCertificate {
  if (cached) {
    return cached;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-apiserver-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=fake-apiserver',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-addext',
        'basicConstraints=critical,CA:TRUE'
      ],
      { stdio: 'pipe' }
    );
  } catch (error) {
    throw new Error(
      `The Kubernetes tests need the openssl command to make a test certificate: ${String(error)}`
    );
  }
  cached = {
    cert: fs.readFileSync(certFile, 'utf8'),
    key: fs.readFileSync(keyFile, 'utf8')
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return cached;
}
