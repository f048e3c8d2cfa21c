import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every .ts file under a folder, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('no unit test passes CI by skipping', () => {
  test('every skip in test/unit goes through skipWithout, or is a listed case that loses no coverage', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const unit = join(root, 'test', 'unit');
    // Skips that are not a missing prerequisite: what they would check runs elsewhere in the same file.
    const allowed = new Map([[join('matrix', 'kernels.test.ts'), 'the relaxed-SIMD child runs only where this process cannot run that kernel itself']]);
    const offenders: string[] = [];
    for (const file of sources(unit)) {
      const name = relative(unit, file);
      if (name === join('helpers', 'no-skips.test.ts') || allowed.has(name)) continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const skips = /\bskip\s*:|\.skip\s*\(|\btodo\s*:|\.todo\s*\(/.test(line);
        if (skips && !/skip\s*:\s*skipWithout\(/.test(line)) offenders.push(`${name}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offenders, [], 'skip only through skipWithout(missing) (test/unit/helpers/prerequisites.ts), which fails under CI');
  });
});
