/**
 * Real-time collaboration (projects `collab` and `collab-strict`): a `jupyter lab` from
 * .venv-collab (jupyter-collaboration 5, made by scripts/setup-collab.sh), started and restarted
 * by the tests themselves, and two browser pages editing one notebook.
 */
import { galata } from '@jupyterlab/galata';
import type {
  IJupyterLabPage,
  IJupyterLabPageFixture
} from '@jupyterlab/galata';
import type { Browser, Page } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { expect, profileRoot, test, testRoot } from './fixtures';

export { expect, test };

const REPO = path.join(__dirname, '..', '..');
const COLLAB_BIN = path.join(REPO, '.venv-collab', 'bin');

/** Whether the collaboration environment exists (else the tests are skipped, saying why). */
const collabInstalled = fs.existsSync(path.join(COLLAB_BIN, 'jupyter'));
const SKIP_REASON = 'needs .venv-collab: run scripts/setup-collab.sh';

/** One profile's collaborative server, as a process the test can stop and start again. */
export class CollabServer {
  constructor(
    readonly profile: string,
    readonly port: number
  ) {}

  /** Start; `restart` keeps the notebooks, secrets and log of the previous run. */
  async start(restart = false): Promise<void> {
    const env = {
      ...process.env,
      PATH: `${COLLAB_BIN}:${process.env.PATH}`,
      SECRET_MOUNTS_UI_PROFILE: this.profile,
      SECRET_MOUNTS_UI_RESTART: restart ? '1' : ''
    };
    fs.mkdirSync(testRoot(), { recursive: true });
    const output = fs.openSync(
      path.join(testRoot(), `${this.profile}.log`),
      restart ? 'a' : 'w'
    );
    const server = spawn(
      path.join(COLLAB_BIN, 'jupyter'),
      [
        'lab',
        '--config',
        'jupyter_server_test_config.py',
        `--ServerApp.port=${this.port}`,
        '--ServerApp.port_retries=0'
      ],
      // Its whole output beside the others' (.jupyter-test-root/<profile>.log), across restarts.
      {
        cwd: path.join(__dirname, '..'),
        env,
        stdio: ['ignore', output, output]
      }
    );
    fs.closeSync(output);
    this._process = server;
    const deadline = Date.now() + 120 * 1000;
    for (;;) {
      if (server.exitCode !== null) {
        throw new Error(
          `jupyter lab (${this.profile}) exited with ${server.exitCode}`
        );
      }
      try {
        if ((await fetch(`http://localhost:${this.port}/lab`)).ok) {
          return;
        }
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        throw new Error(`jupyter lab (${this.profile}) did not start`);
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }

  /** Stop as a pod stops its container: SIGTERM, then wait for the process to end. */
  async stop(): Promise<void> {
    const server = this._process;
    this._process = null;
    if (!server || server.exitCode !== null) {
      return;
    }
    const exited = new Promise(resolve => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 30 * 1000);
    await exited;
    clearTimeout(timer);
  }

  /** A file of the server's notebook folder, as on disk. */
  notebookFile(relative: string): string {
    return path.join(profileRoot(this.profile), 'notebooks', relative);
  }

  /** The server's log (kept across restarts). */
  log(): string {
    return fs.readFileSync(
      path.join(profileRoot(this.profile), 'server.log'),
      'utf8'
    );
  }

  /** Every file the server wrote (its folder, secrets aside), with its content. */
  writtenFiles(): { file: string; content: Buffer }[] {
    const root = profileRoot(this.profile);
    const found: { file: string; content: Buffer }[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && full !== path.join(root, 'secrets')) {
          walk(full);
        } else if (entry.isFile()) {
          found.push({
            file: path.relative(root, full),
            content: fs.readFileSync(full)
          });
        }
      }
    };
    walk(root);
    return found;
  }

  private _process: ChildProcess | null = null;
}

/**
 * The profile's server for the tests of the calling file: started before them, stopped after
 * them, on the port of the project's baseURL. The tests are skipped without .venv-collab.
 */
export function serverForThisFile(profile: string): () => CollabServer {
  let server: CollabServer | null = null;
  test.skip(!collabInstalled, SKIP_REASON);
  test.beforeAll(async ({}, testInfo) => {
    server = new CollabServer(
      profile,
      Number(new URL(testInfo.project.use.baseURL!).port)
    );
    await server.start();
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  return () => server!;
}

/** A notebook with one empty code cell, written by the test as a user's file. */
export function writeNotebook(server: CollabServer, relative: string): void {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      }
    },
    cells: [
      {
        cell_type: 'code',
        id: 'first',
        metadata: {},
        source: '',
        outputs: [],
        execution_count: null
      }
    ]
  };
  const file = server.notebookFile(relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(notebook));
}

/** The cells' sources as saved on disk (null while the file is being written). */
export function savedSources(file: string): string[] | null {
  try {
    const cells = JSON.parse(fs.readFileSync(file, 'utf8')).cells as {
      source: string | string[];
    }[];
    return cells.map(cell => [cell.source].flat().join(''));
  } catch {
    return null;
  }
}

/** A second collaborator: another browser context, another user. */
export async function guestPage(
  browser: Browser,
  baseURL: string,
  tmpPath: string,
  waitForApplication: (page: Page, helpers: IJupyterLabPage) => Promise<void>
): Promise<IJupyterLabPageFixture> {
  const { page } = await galata.newPage({
    baseURL,
    browser,
    tmpPath,
    waitForApplication,
    mockUser: {
      identity: {
        username: 'guest',
        name: 'Guest',
        display_name: 'Guest',
        initials: 'G',
        color: 'var(--jp-collaborator-color2)'
      }
    }
  });
  return page;
}

/** Type at the end of a cell's editor, as a user does. */
export async function typeInCell(
  page: IJupyterLabPageFixture,
  index: number,
  text: string
): Promise<void> {
  await page.notebook.enterCellEditingMode(index);
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
  await page.notebook.leaveCellEditingMode(index);
}

/** The persistent notification about the last save of the notebook, on one page. */
export function saveNotice(page: IJupyterLabPageFixture, text: string) {
  return page.locator('.Toastify__toast', { hasText: text });
}
