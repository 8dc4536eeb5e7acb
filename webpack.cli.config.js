/**
 * Bundles the command line (`src/cli/bin.ts`) for Node into
 * `packages/cli/dist/cli.js`, the `bin` of the CLI's own npm package
 * (`npm run build:cli`). The Kubernetes commands and their client go to
 * `dist/cli-kube.js`, loaded only when one of them runs. Everything is
 * bundled, so the package has no dependencies to install.
 */
const fs = require('fs');
const path = require('path');
const webpack = require('webpack');
const PACKAGE = path.resolve(__dirname, 'packages', 'cli');
const { version } = require('./packages/cli/package.json');

/** Marks the bundle executable and puts the licence in the package. */
class PackagePlugin {
  apply(compiler) {
    compiler.hooks.afterEmit.tap('PackagePlugin', () => {
      fs.chmodSync(path.join(compiler.options.output.path, 'cli.js'), 0o755);
      fs.copyFileSync(
        path.join(__dirname, 'LICENSE'),
        path.join(PACKAGE, 'LICENSE')
      );
    });
  }
}

module.exports = {
  mode: 'production',
  target: 'node20',
  entry: './src/cli/bin.ts',
  output: {
    path: path.join(PACKAGE, 'dist'),
    filename: 'cli.js',
    // The Kubernetes commands (and their client) load on demand from here.
    chunkFilename: 'cli-[name].js',
    clean: false
  },
  externals: {
    // Optional native helpers of the "ws" package: absent, it falls back.
    bufferutil: 'commonjs bufferutil',
    'utf-8-validate': 'commonjs utf-8-validate'
  },
  resolve: {
    extensions: ['.ts', '.js', '.json']
  },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        exclude: /node_modules/,
        options: {
          // Type checking is `tsc --noEmit`'s job; this only strips types.
          transpileOnly: true,
          compilerOptions: {
            module: 'esnext',
            target: 'ES2020',
            declaration: false,
            composite: false,
            incremental: false,
            sourceMap: false
          }
        }
      }
    ]
  },
  optimization: {
    // One on-demand chunk for the Kubernetes commands, vendors included.
    splitChunks: false,
    // Readable stack frames in bug reports.
    minimize: false
  },
  devtool: false,
  performance: { hints: false },
  plugins: [
    new webpack.BannerPlugin({ banner: '#!/usr/bin/env node', raw: true }),
    new webpack.DefinePlugin({
      __SECRET_MOUNTS_VERSION__: JSON.stringify(version)
    }),
    new PackagePlugin()
  ]
};
