// Bundles the three programs of the extension (type checking is `tsc -p extension` / `tsc -p media`):
//   dist/extension.js  extension host entry (target node, `vscode` external)
//   dist/worker.js     training worker (worker_threads, target node)
//   dist/chat.js       webview script (target web, no Node APIs)
//   dist/insight.js    the insight views' script: dashboard, why this answer, evaluation report (target web)
//   dist/cli.js        the command line (`seq2seq-chat`) for people who install only the extension (target node)
// Stack traces in the log must be readable: the Node bundles are not minified (names and lines as written),
// and every bundle ships its source map (dist/*.map, without the sources) in the .vsix.
'use strict';
const path = require('path');

/** @param {string} configFile */
const tsRule = (configFile) => ({
  test: /\.ts$/,
  exclude: /node_modules/,
  use: [{ loader: 'ts-loader', options: { configFile, transpileOnly: true, compilerOptions: { noEmit: false, sourceMap: true } } }],
});

/** @type {(env: unknown, argv: { mode?: string }) => import('webpack').Configuration[]} */
module.exports = (_env, argv) => {
  const mode = argv.mode === 'development' ? 'development' : 'production';
  const node = {
    mode,
    target: 'node20',
    devtool: 'nosources-source-map',
    resolve: { extensions: ['.ts', '.js'] },
    module: { rules: [tsRule(path.resolve(__dirname, 'extension/tsconfig.json'))] },
    output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', libraryTarget: 'commonjs2' },
    externals: { vscode: 'commonjs vscode' },
    performance: { hints: false },
    optimization: { minimize: false },
  };
  return [
    { ...node, name: 'extension', entry: { extension: './extension/extension.ts' } },
    { ...node, name: 'worker', entry: { worker: './src/worker/trainWorker.ts' } },
    { ...node, name: 'cli', entry: { cli: './src/cli/entry.ts' } },
    {
      mode,
      name: 'webview',
      target: 'web',
      devtool: 'nosources-source-map',
      entry: { chat: './media/chat.ts', insight: './media/insight.ts' },
      resolve: { extensions: ['.ts', '.js'] },
      module: { rules: [tsRule(path.resolve(__dirname, 'media/tsconfig.json'))] },
      output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js' },
      performance: { hints: false },
    },
  ];
};
