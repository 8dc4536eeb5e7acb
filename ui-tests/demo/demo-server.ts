/**
 * Global set-up of the demo tier: runs `bash scripts/demo.sh --no-browser --port=PORT` with a
 * fresh demo folder, its output in a log file, and waits for the URL it prints (with the login
 * token). Teardown stops it, then checks that neither its log nor a saved file holds a secret value.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { filesUnder, filesWithLeaks } from '../tests/fixtures';

const REPO = path.join(__dirname, '..', '..');
/** The demo folder of the test run: secrets, notebooks, server settings, and the log. */
export const DEMO_DIR = path.join(__dirname, '..', '.demo-test');
export const DEMO_LOG = path.join(DEMO_DIR, 'demo.log');
const PORT = Number(process.env.SECRET_MOUNTS_DEMO_PORT || 8899);
/** Generous: on a fresh checkout the script first installs and builds everything. */
const START_TIMEOUT_MS = 15 * 60 * 1000;

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function logTail(): string {
  const lines = fs.existsSync(DEMO_LOG)
    ? fs.readFileSync(DEMO_LOG, 'utf8').split('\n')
    : [];
  return lines.slice(-30).join('\n');
}

/** The URL the demo prints for this machine (with its token), once the server answers. */
async function waitForServer(demo: ChildProcess): Promise<string> {
  const printed = new RegExp(
    `http://127\\.0\\.0\\.1:${PORT}/lab\\S*\\?token=\\w+`
  );
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (demo.exitCode !== null || demo.signalCode !== null) {
      throw new Error(`scripts/demo.sh exited before serving:\n${logTail()}`);
    }
    const url = fs.readFileSync(DEMO_LOG, 'utf8').match(printed)?.[0];
    if (url) {
      const status = new URL(url);
      status.pathname = '/api/status';
      const answer = await fetch(status).catch(() => null);
      if (answer?.ok) {
        return url;
      }
    }
    await sleep(250);
  }
  throw new Error(
    `scripts/demo.sh did not serve within ${START_TIMEOUT_MS / 1000} s:\n${logTail()}`
  );
}

/** Stop the demo (the script and everything it started): SIGTERM, then SIGKILL. */
async function stop(demo: ChildProcess): Promise<void> {
  const exited = new Promise<void>(resolve =>
    demo.once('exit', () => resolve())
  );
  if (demo.exitCode !== null || demo.signalCode !== null) {
    return;
  }
  process.kill(-demo.pid!, 'SIGTERM');
  const stopped = await Promise.race([
    exited.then(() => true),
    sleep(20000).then(() => false)
  ]);
  if (!stopped) {
    process.kill(-demo.pid!, 'SIGKILL');
    await exited;
  }
}

export default async function startDemo(): Promise<() => Promise<void>> {
  fs.rmSync(DEMO_DIR, { recursive: true, force: true });
  fs.mkdirSync(DEMO_DIR, { recursive: true });
  const log = fs.openSync(DEMO_LOG, 'w');
  const started = Date.now();
  const demo = spawn(
    'bash',
    [path.join(REPO, 'scripts', 'demo.sh'), '--no-browser', `--port=${PORT}`],
    {
      cwd: REPO,
      env: {
        ...process.env,
        SECRET_MOUNTS_DEMO_DIR: DEMO_DIR,
        // A first visit: no layout or settings saved by other JupyterLab sessions of this user.
        JUPYTERLAB_WORKSPACES_DIR: path.join(DEMO_DIR, 'lab', 'workspaces'),
        JUPYTERLAB_SETTINGS_DIR: path.join(DEMO_DIR, 'lab', 'user-settings')
      },
      stdio: ['ignore', log, log],
      detached: true // its own process group, so that stop() reaches the server and its kernels
    }
  );
  fs.closeSync(log);
  try {
    process.env.SECRET_MOUNTS_DEMO_URL = await waitForServer(demo);
  } catch (error) {
    await stop(demo);
    throw error;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `scripts/demo.sh served JupyterLab after ${seconds} s (log: ${DEMO_LOG})`
  );

  return async () => {
    await stop(demo);
    const checked = [DEMO_LOG, ...filesUnder(path.join(DEMO_DIR, 'notebooks'))];
    const leaks = filesWithLeaks(
      path.join(DEMO_DIR, 'secrets'),
      checked,
      DEMO_DIR
    );
    if (leaks.length > 0) {
      throw new Error(`Secret values leaked:\n${leaks.join('\n')}`);
    }
  };
}
