/**
 * Galata (Playwright) configuration: Debian's Chromium against real `jupyter lab` servers.
 *
 * Three servers run side by side, one per admin policy profile (see jupyter_server_test_config.py):
 * - `default`: what a fresh install does (save policy `warn`, reveal off);
 * - `strict`: save policy `block`, reveal allowed. Specs named `*.strict.spec.ts` run here.
 * - `noexec`: users may not run code (`execute` on `kernels` denied). `*.noexec.spec.ts`.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const basePort = Number(process.env.SECRET_MOUNTS_UI_PORT || 8890);
const profiles = {
  default: basePort,
  strict: basePort + 1,
  noexec: basePort + 2
};

/** A server's whole output goes to a file beside its profile folder, not into the test report. */
function server(profile, port) {
  const log = `.jupyter-test-root/${profile}.log`;
  return {
    command: `mkdir -p .jupyter-test-root && exec jupyter lab --config jupyter_server_test_config.py --ServerApp.port=${port} >${log} 2>&1`,
    env: { ...process.env, SECRET_MOUNTS_UI_PROFILE: profile },
    url: `http://localhost:${port}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false
  };
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
      name: 'default',
      testIgnore: /\.(strict|noexec)\.spec\.ts$/,
      use: { baseURL: `http://localhost:${profiles.default}` }
    },
    {
      name: 'strict',
      testMatch: /\.strict\.spec\.ts$/,
      use: { baseURL: `http://localhost:${profiles.strict}` }
    },
    {
      name: 'noexec',
      testMatch: /\.noexec\.spec\.ts$/,
      use: { baseURL: `http://localhost:${profiles.noexec}` }
    }
  ],
  webServer: Object.entries(profiles).map(([profile, port]) => server(profile, port))
};
