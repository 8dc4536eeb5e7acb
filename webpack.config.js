/**
 * Extra bundler configuration merged by JupyterLab's extension builder
 * (`jupyterlab.webpackConfig` in package.json; Rspack under @jupyter/builder,
 * webpack under the legacy @jupyterlab/builder).
 *
 * It stamps the package version into the bundle so the frontend can compare
 * itself with the server extension at start-up without fetching package.json.
 */
const { version } = require('./package.json');

function definePlugin() {
  // Prefer the bundler actually running the build; both expose DefinePlugin.
  try {
    return new (require('@rspack/core').DefinePlugin)({
      __SECRET_MOUNTS_VERSION__: JSON.stringify(version)
    });
  } catch {
    return new (require('webpack').DefinePlugin)({
      __SECRET_MOUNTS_VERSION__: JSON.stringify(version)
    });
  }
}

module.exports = {
  plugins: [definePlugin()]
};
