import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { validateWebviewMessage } from '../../../src/chat/protocol';
import { validateInsightMessage } from '../../../src/insight/protocol';

describe('the chat\'s "Why?" and "Dashboard" messages', () => {
  test('are accepted with an entry id / no field', () => {
    assert.deepEqual(validateWebviewMessage({ type: 'why', id: 12 }), { ok: true, message: { type: 'why', id: 12 } });
    assert.deepEqual(validateWebviewMessage({ type: 'dashboard' }), { ok: true, message: { type: 'dashboard' } });
  });

  test('refuse ids that are not entry ids and extra fields, saying what came', () => {
    for (const id of [-1, 1.5, '3', null, Number.NaN, 2 ** 60]) {
      const r = validateWebviewMessage({ type: 'why', id });
      assert.equal(r.ok, false, JSON.stringify(id));
      if (!r.ok) assert.match(r.reason, /"why": expected an entry id/);
    }
    const r = validateWebviewMessage({ type: 'dashboard', file: 'x' });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, /unexpected field\(s\) file/);
  });
});

describe('insight view messages', () => {
  test('ready and openLine with a line ≥ 1 pass', () => {
    assert.deepEqual(validateInsightMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(validateInsightMessage({ type: 'openLine', line: 17 }), { ok: true, message: { type: 'openLine', line: 17 } });
  });

  test('anything else is refused with a reason', () => {
    const cases: [unknown, RegExp][] = [
      [null, /expected an object, got null/],
      [[1], /got an array/],
      [{ type: 'openLine', line: 0 }, /expected a line number ≥ 1, got 0/],
      [{ type: 'openLine', line: '3' }, /got "3"/],
      [{ type: 'openLine', line: 2, file: '/etc/passwd' }, /unexpected field\(s\) file/],
      [{ type: 'ready', x: 1 }, /unexpected field/],
      [{ type: 'eval' }, /unknown message type "eval"/],
    ];
    for (const [m, reason] of cases) {
      const r = validateInsightMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.match(r.reason, reason);
    }
  });
});
