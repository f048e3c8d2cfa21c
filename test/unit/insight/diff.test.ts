import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { charDiff, MAX_DIFF_CELLS, type DiffPart } from '../../../src/insight/diff';

const side = (parts: readonly DiffPart[], keep: 'del' | 'ins'): string => parts.filter((p) => p.op === 'same' || p.op === keep).map((p) => p.text).join('');

describe('charDiff', () => {
  test('a one-word change, deletions before insertions', () => {
    assert.deepEqual(charDiff('Open the door.', 'Open the window.'), [
      { op: 'same', text: 'Open the ' },
      { op: 'del', text: 'door' },
      { op: 'ins', text: 'window' },
      { op: 'same', text: '.' },
    ]);
  });

  test('equal texts are one part; empty sides are pure insertions or deletions', () => {
    assert.deepEqual(charDiff('abc', 'abc'), [{ op: 'same', text: 'abc' }]);
    assert.deepEqual(charDiff('', 'xy'), [{ op: 'ins', text: 'xy' }]);
    assert.deepEqual(charDiff('xy', ''), [{ op: 'del', text: 'xy' }]);
    assert.deepEqual(charDiff('', ''), []);
  });

  test('keeps code points whole (emoji, Japanese) and each side spells its text', () => {
    const cases: [string, string][] = [['こんにちは😀', 'こんばんは😀'], ['kitten', 'sitting'], ['abcabba', 'cbabac'], ['Hi, I\'m Bob', 'Hi, Bob']];
    for (const [a, b] of cases) {
      const d = charDiff(a, b);
      assert.equal(side(d, 'del'), a);
      assert.equal(side(d, 'ins'), b);
      for (const p of d) assert.ok(!/[\uD800-\uDBFF]$/.test(p.text), 'no part ends in half a surrogate pair');
    }
    // LCS of kitten/sitting is i, t, t, n; the lone "n" between two changes is folded into them.
    assert.deepEqual(charDiff('kitten', 'sitting'), [
      { op: 'del', text: 'k' }, { op: 'ins', text: 's' }, { op: 'same', text: 'itt' }, { op: 'del', text: 'en' }, { op: 'ins', text: 'ing' },
    ]);
  });

  test('past the table limit the middle is one deletion and one insertion', () => {
    const n = Math.ceil(Math.sqrt(MAX_DIFF_CELLS)) + 2;
    const a = 'x' + 'a'.repeat(n) + 'y';
    const b = 'x' + 'b'.repeat(n) + 'y';
    assert.deepEqual(charDiff(a, b).map((p) => p.op), ['same', 'del', 'ins', 'same']);
  });
});
