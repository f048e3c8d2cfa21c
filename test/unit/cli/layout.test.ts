/** Where the CLI finds package.json, data/default/ and the training worker, compiled (out/) or bundled (dist/). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cliLayout } from '../../../src/cli/layout';

describe('cliLayout', () => {
  test('compiled: out/src/cli → the package root three folders up, the worker in out/src/worker/', () => {
    assert.deepEqual(cliLayout(join('/pkg', 'out', 'src', 'cli')), { root: '/pkg', trainWorker: join('/pkg', 'out', 'src', 'worker', 'trainWorker.js') });
  });

  test('bundled in the .vsix: dist/ → the extension folder, the worker is dist/worker.js (the extension\'s own bundle)', () => {
    assert.deepEqual(cliLayout(join('/ext', 'dist')), { root: '/ext', trainWorker: join('/ext', 'dist', 'worker.js') });
  });
});
