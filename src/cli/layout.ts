/**
 * Where the CLI finds the package's files. Two layouts run the same code: compiled by tsc into
 * out/src/cli/main.js (a checkout, or the npm package: bin/seq2seq-chat.js), or bundled by webpack into
 * dist/cli.js (the .vsix: the extension's "Open CLI in Terminal" runs it), where the training worker is
 * dist/worker.js, the bundle the extension uses too.
 */
import { basename, dirname, join } from 'node:path';

export interface CliLayout {
  /** The package root: package.json and data/default/ are there. */
  readonly root: string;
  /** The training worker's script (data-parallel helper threads run it). */
  readonly trainWorker: string;
}

/** The layout for the directory holding the running CLI script (its `__dirname`). */
export function cliLayout(dir: string): CliLayout {
  if (basename(dir) === 'dist') return { root: dirname(dir), trainWorker: join(dir, 'worker.js') };
  // out/src/cli → the package root three folders up; the worker beside, in out/src/worker/
  return { root: join(dir, '..', '..', '..'), trainWorker: join(dir, '..', 'worker', 'trainWorker.js') };
}
