/**
 * Galata (Playwright) configuration: Debian's Chromium against real Jupyter servers.
 *
 * One server per profile (admin policy and client; see jupyter_server_test_config.py):
 * - `default`: JupyterLab as a fresh install has it (save policy `warn`, reveal off);
 * - `strict`: JupyterLab, save policy `block`, reveal allowed. Specs `*.strict.spec.ts`;
 * - `noexec`: JupyterLab, users may not run code (`execute` on `kernels` denied). `*.noexec.spec.ts`;
 * - `notebook7`: Jupyter Notebook 7 (`jupyter notebook`), save policy `warn`. Specs `*.nb7.spec.ts`;
 * - `notebook7-strict`: Jupyter Notebook 7, save policy `block`. Specs `*.nb7-strict.spec.ts`;
 * - `collab`, `collab-strict`: JupyterLab with real-time collaboration (.venv-collab), `warn` and
 *   `block`. Specs `*.collab.spec.ts`, `*.collab-strict.spec.ts` start (and restart) their server
 *   themselves (tests/collaboration.ts); they are skipped when .venv-collab is missing;
 * - `git`: JupyterLab with jupyterlab-git (the `ui-git` extra), its own HOME, and a git server on
 *   127.0.0.1 (port base + 8) taking the mounted token. `*.git.spec.ts`;
 * - `kube`: JupyterLab as a Kubeflow Notebooks 2.0 workspace pod against the fake Kubernetes API
 *   server, Secret creation allowed (port base + 10; + 9 is the demo tier's default, 8899).
 *   `*.kube.spec.ts`.
 */
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const basePort = Number(process.env.SECRET_MOUNTS_UI_PORT || 8890);

/** Each profile: its port, the command that serves it, the page that answers when it is up. */
const profiles = {
  default: { port: basePort, app: 'lab', ready: '/lab' },
  strict: { port: basePort + 1, app: 'lab', ready: '/lab' },
  noexec: { port: basePort + 2, app: 'lab', ready: '/lab' },
  notebook7: { port: basePort + 3, app: 'notebook', ready: '/tree' },
  'notebook7-strict': { port: basePort + 4, app: 'notebook', ready: '/tree' },
  git: { port: basePort + 7, app: 'lab', ready: '/lab' },
  kube: { port: basePort + 10, app: 'lab', ready: '/lab' }
};
const collabPorts = { collab: basePort + 5, 'collab-strict': basePort + 6 };
const gitServerPort = basePort + 8;

/** The git profile's server runs with a HOME of its own: git's config is written there. */
function profileEnv(profile) {
  if (profile !== 'git') {
    return {};
  }
  return {
    HOME: path.join(__dirname, '.jupyter-test-root', 'git', 'home'),
    GIT_CONFIG_NOSYSTEM: '1',
    SECRET_MOUNTS_GIT_PORT: String(gitServerPort)
  };
}

/** A server's whole output goes to a file beside its profile folder, not into the test report. */
function server(profile, { port, app, ready }) {
  const log = `.jupyter-test-root/${profile}.log`;
  return {
    command: `mkdir -p .jupyter-test-root && exec jupyter ${app} --config jupyter_server_test_config.py --ServerApp.port=${port} >${log} 2>&1`,
    env: { ...process.env, ...profileEnv(profile), SECRET_MOUNTS_UI_PROFILE: profile },
    url: `http://localhost:${port}${ready}`,
    timeout: 120 * 1000,
    reuseExistingServer: false
  };
}

function project(name, testMatch, use = {}) {
  const port = profiles[name]?.port ?? collabPorts[name];
  return { name, testMatch, use: { baseURL: `http://localhost:${port}`, ...use } };
}

const jsonReport = process.env.SECRET_MOUNTS_UI_JSON_REPORT;

module.exports = {
  ...baseConfig,
  testDir: 'tests',
  // A busy machine (CI runners, a shared host) makes each step slower, never different: time
  // limits generous enough for a loaded 2-core machine; a real failure fails an assertion anyway.
  timeout: 4 * 60 * 1000,
  expect: { timeout: 20 * 1000 },
  reporter: [
    ['list'],
    ['html', { open: 'never' }],
    ...(jsonReport ? [['json', { outputFile: jsonReport }]] : [])
  ],
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  globalTeardown: require.resolve('./canary-teardown.ts'),
  use: {
    ...baseConfig.use,
    trace: 'retain-on-failure',
    video: 'off',
    // Playwright cannot download its own browser here: Debian's (see chromium.js).
    launchOptions: require('./chromium')
  },
  projects: [
    {
      ...project('default', /\.spec\.ts$/),
      testIgnore: /\.(strict|noexec|nb7|nb7-strict|collab|collab-strict|git|kube)\.spec\.ts$/
    },
    project('strict', /\.strict\.spec\.ts$/),
    project('noexec', /\.noexec\.spec\.ts$/),
    // Notebook 7 serves its pages at the server root (/tree, /notebooks/...), not under /lab.
    project('notebook7', /\.nb7\.spec\.ts$/, { appPath: '' }),
    project('notebook7-strict', /\.nb7-strict\.spec\.ts$/, { appPath: '' }),
    project('collab', /\.collab\.spec\.ts$/),
    project('collab-strict', /\.collab-strict\.spec\.ts$/),
    project('git', /\.git\.spec\.ts$/),
    project('kube', /\.kube\.spec\.ts$/)
  ],
  // SECRET_MOUNTS_UI_PROFILES=git (comma-separated) starts only those servers, for `--project`.
  webServer: Object.entries(profiles)
    .filter(
      ([name]) =>
        !process.env.SECRET_MOUNTS_UI_PROFILES ||
        process.env.SECRET_MOUNTS_UI_PROFILES.split(',').includes(name)
    )
    .map(([name, profile]) => server(name, profile))
};
