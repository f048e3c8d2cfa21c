/** The webview → extension message validator (src/chat/protocol.ts): what it accepts and why it refuses. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_QUESTION_LENGTH, validateWebviewMessage } from '../../../src/chat/protocol';

describe('validateWebviewMessage', () => {
  test('accepts every message type with exactly its fields', () => {
    for (const m of [{ type: 'ready' }, { type: 'stop' }, { type: 'train' }, { type: 'useDefault' }, { type: 'newChat' }, { type: 'showLog' }, { type: 'newPairsFile' }, { type: 'copy', id: 3 }, { type: 'ask', text: 'hi' }]) {
      const r = validateWebviewMessage(m);
      assert.deepEqual(r, { ok: true, message: m });
    }
  });

  test('returns a fresh object, so extra prototype state cannot sneak through', () => {
    const input = { type: 'ask', text: 'hi' };
    const r = validateWebviewMessage(input);
    assert.ok(r.ok);
    assert.notEqual(r.message, input);
  });

  test('rejects non-objects with what it got', () => {
    assert.deepEqual(validateWebviewMessage(null), { ok: false, reason: 'expected an object, got null' });
    assert.deepEqual(validateWebviewMessage([1]), { ok: false, reason: 'expected an object, got an array' });
    assert.deepEqual(validateWebviewMessage('ask'), { ok: false, reason: 'expected an object, got string' });
  });

  test('rejects unknown or missing types', () => {
    assert.match(reason({ type: 'eval' }), /unknown message type "eval"/);
    assert.match(reason({ text: 'x' }), /expected a string "type", got undefined/);
    assert.match(reason({ type: 'constructor' }), /unknown message type/);
    assert.match(reason({ type: '__proto__' }), /unknown message type/);
  });

  test('rejects missing, wrong-typed and unexpected fields', () => {
    assert.match(reason({ type: 'ask' }), /"ask": expected a string "text", got undefined/);
    assert.match(reason({ type: 'ask', text: 42 }), /got number/);
    assert.match(reason({ type: 'stop', now: true }), /unexpected field\(s\) now/);
    assert.match(reason({ type: 'ask', text: 'x', html: '<b>' }), /unexpected field\(s\) html/);
    assert.match(reason({ type: 'copy', id: '3' }), /"copy": expected a non-negative integer "id", got string/);
    assert.match(reason({ type: 'copy', id: 1.5 }), /got 1\.5/);
    assert.match(reason({ type: 'copy', id: 1, text: 'x' }), /unexpected field\(s\) text/);
  });

  test('accepts a question of the maximum length and rejects one character more', () => {
    assert.equal(validateWebviewMessage({ type: 'ask', text: 'a'.repeat(MAX_QUESTION_LENGTH) }).ok, true);
    assert.match(reason({ type: 'ask', text: 'a'.repeat(MAX_QUESTION_LENGTH + 1) }), new RegExp(`expected at most ${MAX_QUESTION_LENGTH} characters, got ${MAX_QUESTION_LENGTH + 1}`));
  });
});

function reason(x: unknown): string {
  const r = validateWebviewMessage(x);
  assert.equal(r.ok, false, `expected ${JSON.stringify(x)} to be rejected`);
  return r.ok ? '' : r.reason;
}
