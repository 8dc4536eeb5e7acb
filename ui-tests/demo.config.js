/**
 * The demo tier: `bash scripts/demo.sh`, as shipped, driven like a user in Chromium.
 *
 * demo/demo-server.ts starts the script (with `--no-browser --port=$SECRET_MOUNTS_DEMO_PORT`,
 * default 8897, and a fresh demo folder, ui-tests/.demo-test), waits for the URL it prints, and
 * stops it afterwards. The tests use plain Playwright: the demo server has none of Galata's test
 * helpers.
 */
const jsonReport = process.env.SECRET_MOUNTS_UI_JSON_REPORT;

module.exports = {
  testDir: 'demo',
  outputDir: 'test-results/demo',
  // As generous as the Galata tier's (playwright.config.js): a busy machine is only slower.
  timeout: 4 * 60 * 1000,
  expect: { timeout: 30 * 1000 },
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [['list'], ...(jsonReport ? [['json', { outputFile: jsonReport }]] : [])],
  globalSetup: require.resolve('./demo/demo-server.ts'),
  use: {
    viewport: { width: 1280, height: 900 },
    trace: 'retain-on-failure',
    launchOptions: require('./chromium')
  }
};
