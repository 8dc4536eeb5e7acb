/**
 * Galata (Playwright) configuration: Debian's Chromium against real `jupyter lab` servers.
 *
 * Two servers run side by side, one per admin policy profile (see jupyter_server_test_config.py):
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

function server(profile, port) {
  return {
    command: `jupyter lab --config jupyter_server_test_config.py --ServerApp.port=${port}`,
    env: { ...process.env, SECRET_MOUNTS_UI_PROFILE: profile },
    url: `http://localhost:${port}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe'
  };
}

module.exports = {
  ...baseConfig,
  reporter: [['list'], ['html', { open: 'never' }]],
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  globalTeardown: require.resolve('./canary-teardown.ts'),
  use: {
    ...baseConfig.use,
    trace: 'retain-on-failure',
    video: 'off',
    launchOptions: {
      // Playwright cannot download its own browser here: use Debian's.
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
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
  webServer: Object.entries(profiles).map(([profile, port]) =>
    server(profile, port)
  )
};
