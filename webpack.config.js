// Bundles the three programs of the extension (type checking is `tsc -p extension` / `tsc -p media`):
//   dist/extension.js  extension host entry (target node, `vscode` external)
//   dist/worker.js     training worker (worker_threads, target node)
//   dist/chat.js       webview script (target web, no Node APIs)
//   dist/insight.js    the insight views' script: dashboard, why this answer, evaluation report (target web)
//   dist/cli.js        the command line (`seq2seq-chat`) for people who install only the extension (target node)
// and the browser build (VS Code for the Web, package.json `browser`; docs/web.md):
//   dist/web/worker.js     the training/task worker as a Web Worker (target webworker; embedded in the next)
//   dist/web/extension.js  the extension for the web-worker extension host (target webworker, `vscode` external)
// Stack traces in the log must be readable: the Node bundles are not minified (names and lines as written),
// and every bundle ships its source map (dist/*.map, without the sources) in the .vsix. The browser bundles
// are minified (a browser downloads them).
// The browser build resolves `x.web.ts` before `x.ts` (thread, parent, hash, atomic, platform) and has no
// Node built-ins: any left in a module it reaches resolve to nothing (`false`), never called there (the
// browser-only end-to-end run, test/host/e2eWeb.ts, would fail if one were).
'use strict';
const path = require('path');
const { builtinModules } = require('module');
const webpack = require('webpack');

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
  const web = {
    mode,
    target: 'webworker',
    devtool: 'nosources-source-map',
    resolve: {
      extensions: ['.web.ts', '.ts', '.js'],
      fallback: Object.fromEntries(builtinModules.map((m) => [m, false])),
    },
    // `node:fs` → `fs`, which the fallback above leaves empty (webpack reads no `node:` scheme for the web).
    plugins: [new webpack.NormalModuleReplacementPlugin(/^node:/, (r) => { r.request = r.request.slice('node:'.length); })],
    module: { rules: [tsRule(path.resolve(__dirname, 'extension/tsconfig.json'))] },
    output: { path: path.resolve(__dirname, 'dist/web'), filename: '[name].js' },
    performance: { hints: false },
    optimization: { minimize: mode === 'production' },
  };
  const webWorker = path.resolve(__dirname, 'dist/web/worker.js');
  return [
    { ...node, name: 'extension', entry: { extension: './extension/extension.ts' } },
    { ...node, name: 'worker', entry: { worker: './src/worker/trainWorker.ts' } },
    { ...web, name: 'web-worker', entry: { worker: './src/worker/trainWorker.ts' } },
    {
      ...web,
      name: 'web-extension',
      dependencies: ['web-worker'],
      entry: { extension: './extension/extension.ts' },
      output: { ...web.output, libraryTarget: 'commonjs' },
      externals: { vscode: 'commonjs vscode' },
      resolve: { ...web.resolve, alias: { 'seq2seq-web-worker-source$': webWorker } },
      module: { rules: [...web.module.rules, { test: webWorker, type: 'asset/source' }] },
    },
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
