import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError, type FlagSpec } from '../../../src/cli/args';
import { formatDuration, progressLine } from '../../../src/cli/progress';

const SPECS: Record<string, FlagSpec> = {
  epochs: { type: 'int', min: 1 },
  lr: { type: 'number', min: 0 },
  model: { type: 'string', choices: ['simple', 'peeky'] },
  reverse: { type: 'boolean', negatable: true },
};

describe('parseArgs', () => {
  test('reads positionals, --name value, --name=value and --no-flag', () => {
    const r = parseArgs(['a.tsv', '--epochs', '3', '--lr=0.5', '--no-reverse', '--model', 'peeky', '--', '--literal'], SPECS);
    assert.deepEqual(r.positionals, ['a.tsv', '--literal']);
    assert.deepEqual([...r.flags], [['epochs', 3], ['lr', 0.5], ['reverse', false], ['model', 'peeky']]);
  });

  test('says what each bad value expected and got', () => {
    const cases: [string[], RegExp][] = [
      [['--epochs', '2.5'], /--epochs: expected an integer, got "2.5"/],
      [['--epochs', '0'], /--epochs: expected at least 1, got 0/],
      [['--lr'], /--lr expects a value/],
      [['--model', 'x'], /--model: expected one of simple, peeky, got "x"/],
      [['--reverse=yes'], /--reverse takes no value/],
      [['-x'], /unknown option -x/],
      [['--nope'], /unknown option --nope/],
    ];
    for (const [args, message] of cases) assert.throws(() => parseArgs(args, SPECS), (e: unknown) => e instanceof UsageError && message.test(e.message));
  });

  test('minExclusive refuses the bound itself; an int with min and max names the whole range', () => {
    const specs: Record<string, FlagSpec> = { lr: { type: 'number', minExclusive: 0 }, seed: { type: 'int', min: 0, max: 2 ** 32 - 1 } };
    assert.equal(parseArgs(['--lr', '1e-9'], specs).flags.get('lr'), 1e-9);
    assert.throws(() => parseArgs(['--lr', '0'], specs), /--lr: expected a number above 0, got 0/);
    assert.throws(() => parseArgs(['--seed', '4294967296'], specs), /--seed: expected an integer from 0 to 4294967295, got 4294967296/);
    assert.throws(() => parseArgs(['--seed', '1e300'], specs), /--seed: expected an integer from 0 to 4294967295, got 1e300/);
    assert.equal(parseArgs(['--seed', '4294967295'], specs).flags.get('seed'), 4294967295);
  });

  test('accepts a negative-looking question as a positional', () => {
    assert.deepEqual(parseArgs(['-1+2'], SPECS).positionals, ['-1+2']);
  });
});

describe('progress', () => {
  test('formats durations and a progress bar', () => {
    assert.equal(formatDuration(45), '45s');
    assert.equal(formatDuration(75), '1m15s');
    assert.equal(formatDuration(192.4), '3m12s');
    assert.equal(formatDuration(3725), '1h02m');
    assert.equal(formatDuration(Number.NaN), '--');
    const line = progressLine({ epoch: 2, epochs: 10, iteration: 5, iterations: 10, loss: 1.23456, samplesPerSecond: 100, eta: 61 }, 10);
    assert.equal(line, 'epoch 2/10 [#####-----]  50% loss 1.235 ETA ≤ 1m01s');
  });

  test('says the ETA is an upper bound, since training usually stops before the last epoch', () => {
    const line = progressLine({ epoch: 3, epochs: 300, iteration: 1, iterations: 10, loss: 2, samplesPerSecond: 100, eta: 192 });
    assert.match(line, /ETA ≤ 3m12s$/);
  });
});
