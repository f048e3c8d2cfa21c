import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, plural } from '../../../src/chat/format';

describe('wording shared by the CLI, the extension and the webview', () => {
  test('one duration format for every ETA: 45s, 3m12s, 1h02m', () => {
    assert.deepEqual([0, 45, 59.6, 192.4, 3599, 3725].map(formatDuration), ['0s', '45s', '1m00s', '3m12s', '59m59s', '1h02m']);
    assert.deepEqual([Number.NaN, Number.POSITIVE_INFINITY, -1].map(formatDuration), ['--', '--', '--']);
  });

  test('plurals: 1 epoch, 0 and 2 epochs, irregular forms, thousands separators', () => {
    assert.equal(plural(1, 'epoch'), '1 epoch');
    assert.equal(plural(0, 'epoch'), '0 epochs');
    assert.equal(plural(2, 'epoch'), '2 epochs');
    assert.equal(plural(3, 'reply', 'replies'), '3 replies');
    assert.equal(plural(12000, 'pair'), '12,000 pairs');
  });
});
