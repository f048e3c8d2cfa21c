import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { messageChannelTurn, yieldToEventLoop } from '../../../src/train/macrotask';

describe('yieldToEventLoop', () => {
  test('lets a queued macrotask run before it resolves (Node: setImmediate)', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    await yieldToEventLoop();
    assert.equal(ran, true);
  });

  test('the browser\'s MessageChannel turn resolves each waiter once, in order, after the current microtasks', async () => {
    const turn = messageChannelTurn();
    try {
      const order: string[] = [];
      const turns = [1, 2, 3].map((i) => turn().then(() => order.push(`turn ${i}`)));
      await Promise.resolve().then(() => order.push('microtask'));
      await Promise.all(turns);
      assert.deepEqual(order, ['microtask', 'turn 1', 'turn 2', 'turn 3']);
    } finally {
      turn.close();
    }
  });
});
