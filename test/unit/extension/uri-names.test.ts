import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { baseName, extName } from '../../../extension/uriNames';

describe('baseName and extName (path.posix without Node, for the browser build)', () => {
  test('give what path.posix gives for URI paths', () => {
    for (const p of ['/w/faq.pairs.tsv', '/w/a.b/c', '/w/.tsv', '/w/x.', '/w/dir/', 'plain', '/', '/w/日本語.jsonl', '/w/no-ext']) {
      assert.equal(baseName(p), posix.basename(p), `basename ${p}`);
      assert.equal(extName(p), posix.extname(p), `extname ${p}`);
    }
  });
});
