const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

// ESM-only packages that must be transformed for jest.
const esModules = [
  '@codemirror',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyter/ydoc',
  '@jupyterlab/',
  // @kubernetes/client-node 1.x and its ESM-only dependencies (src/kube, test/kube).
  '@kubernetes/client-node',
  'jose',
  'jsonpath-plus',
  'oauth4webapi',
  'openid-client',
  'rfc4648',
  '@lezer',
  '@lumino',
  '@marijn',
  '@microsoft',
  'color',
  'marked',
  'exenv-es6',
  'lib0',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  // Injected by webpack.config.js in real builds.
  globals: { __SECRET_MOUNTS_VERSION__: require('./package.json').version },
  collectCoverageFrom: ['src/**/*.{ts,tsx}', '!src/**/*.d.ts', '!src/**/.ipynb_checkpoints/*'],
  coverageReporters: ['lcov', 'text'],
  testRegex: 'test/.*\\.spec\\.tsx?$',
  // Copies of package.json files (the venvs' JupyterLab: .venv and .venv-collab, the built
  // labextension, ui-tests' own packages) are not modules of ours: crawling them only makes
  // naming-collision warnings.
  modulePathIgnorePatterns: [
    '<rootDir>/\\.venv',
    '<rootDir>/jupyterlab_secret_mounts/labextension/',
    '<rootDir>/ui-tests/'
  ],
  // The real-server tier runs only inside scripts/kube-real-server.sh (which sets the variable).
  testPathIgnorePatterns: [
    ...(baseConfig.testPathIgnorePatterns ?? ['/node_modules/']),
    ...(process.env.SECRET_MOUNTS_REAL_APISERVER ? [] : ['/test/kube-real/'])
  ],
  setupFiles: [...baseConfig.setupFiles, '<rootDir>/test/setup/third-party-warnings.ts'],
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
