import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isCI, requirePrerequisite, skipWithout } from './prerequisites';

describe('tests with a missing prerequisite', () => {
  test('skip on a developer machine and run (to fail) under CI', () => {
    assert.equal(isCI({ CI: 'true' }), true);
    assert.equal(isCI({ CI: '1' }), true);
    assert.equal(isCI({}), false);
    assert.equal(isCI({ CI: 'false' }), false);
    assert.match(String(skipWithout('NumPy is not installed', {})), /^NumPy is not installed/);
    assert.equal(skipWithout('NumPy is not installed', { CI: 'true' }), false);
    assert.equal(skipWithout(undefined, {}), false);
    assert.throws(() => requirePrerequisite('NumPy is not installed'), /missing prerequisite: NumPy is not installed; CI must not pass by skipping/);
    assert.doesNotThrow(() => requirePrerequisite(undefined));
  });

  test('the NumPy book-reference test fails under CI without python3 and skips without CI', () => {
    const file = join(__dirname, '..', 'models', 'book-reference.test.js');
    const run = (ci: boolean): { status: number | null; output: string } => {
      // No python3 on this PATH; the child reports to its own runner, not to ours.
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/nonexistent' };
      delete env.NODE_TEST_CONTEXT;
      if (ci) env.CI = 'true';
      else delete env.CI;
      const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { env, encoding: 'utf8', timeout: 60_000 });
      return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
    };
    const ci = run(true);
    assert.notEqual(ci.status, 0, ci.output);
    assert.match(ci.output, /missing prerequisite: python3 with NumPy is not installed/);
    assert.match(ci.output, /# fail 3/);
    const dev = run(false);
    assert.equal(dev.status, 0, dev.output);
    assert.match(dev.output, /# SKIP python3 with NumPy is not installed/);
  });
});

