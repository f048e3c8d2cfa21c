/**
 * Settings are clamped when read (issue #10, item 11): VS Code does not enforce a schema's bounds, and a
 * cloned repository's .vscode/settings.json could ask for beamWidth 100000 or raise the limits past memory.
 */
import { settings } from '../reliability/fake-vscode';
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clampSetting, readDecodeOptions, readPairLimits, readTrainOptions, readTrainOptionsFor, SETTING_RANGES } from '../../../extension/settings';
import { DEFAULT_TRAIN_OPTIONS, isCharacterTask, optionsForFormat } from '../../../src/chat/defaults';
import { settingsOf } from '../helpers/manifest';

interface Schema {
  readonly type: string | string[];
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
}
const ROOT = join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { supported: boolean | string; restrictedConfigurations?: string[] } };
  contributes: { configuration: unknown };
};
const declared = settingsOf(manifest) as Record<string, Schema>;

describe('settings', () => {
  beforeEach(() => settings.clear());

  test('every numeric setting has a declared range, and the clamp table equals it', () => {
    const numeric = Object.entries(declared).filter(([, s]) => [s.type].flat().some((t) => t === 'number' || t === 'integer'));
    assert.deepEqual(numeric.map(([k]) => k.replace('seq2seqChat.', '')).sort(), Object.keys(SETTING_RANGES).sort());
    for (const [key, schema] of numeric) {
      const range = SETTING_RANGES[key.replace('seq2seqChat.', '')];
      assert.equal(typeof schema.maximum, 'number', `${key} declares a maximum`);
      assert.equal(range.max, schema.maximum, key);
      if (schema.minimum !== undefined) assert.equal(range.min, schema.minimum, key);
      else assert.ok(schema.exclusiveMinimum !== undefined && range.min > schema.exclusiveMinimum, key);
      assert.equal(range.integer, [schema.type].flat().includes('integer'), key);
    }
  });

  test('values above the maximum are clamped; fractional, too small and non-numeric ones fall back to the default', () => {
    settings.set('decoding.strategy', 'beam');
    settings.set('decoding.beamWidth', 100_000);
    const beam = readDecodeOptions();
    assert.equal(beam.strategy === 'beam' && beam.beamWidth, 32);
    settings.set('decoding.maxReplyLength', 1e9);
    assert.equal(readDecodeOptions().maxLength, 1000);
    settings.set('limits.maxPairs', 1e12);
    settings.set('limits.maxFileBytes', -5);
    settings.set('limits.maxLineLength', 'lots');
    const limits = readPairLimits();
    assert.equal(limits.maxPairs, 2_000_000);
    assert.equal(limits.maxFileBytes, 52_428_800);
    assert.equal(limits.maxLineLength, 10_000);
    settings.set('training.threads', 1000);
    settings.set('model.hiddenSize', 10.6);
    settings.set('training.learningRate', Number.POSITIVE_INFINITY);
    const train = readTrainOptions(DEFAULT_TRAIN_OPTIONS);
    assert.equal(train.threads, 64);
    assert.equal(train.hidden, DEFAULT_TRAIN_OPTIONS.hidden);
    assert.equal(train.learningRate, DEFAULT_TRAIN_OPTIONS.learningRate);
    assert.equal(clampSetting('training.validationSplit', 5, 0), 0.9);
  });

  test('a fixed-width file trains as the CLI trains it: a character task, except for the settings the user set', () => {
    settings.set('training.epochs', 3);
    const fixed = readTrainOptionsFor('fixed', DEFAULT_TRAIN_OPTIONS);
    assert.ok(isCharacterTask(fixed), JSON.stringify(fixed));
    assert.equal(fixed.includeDefaultPairs, false);
    assert.equal(fixed.epochs, 3, 'the other settings still apply');
    // the CLI's choice for the same file and flags
    const cli = { ...DEFAULT_TRAIN_OPTIONS, ...optionsForFormat('fixed', { epochs: 3 }) };
    for (const key of ['tokenizer', 'questionTokens', 'questionNoise', 'includeDefaultPairs', 'epochs'] as const) assert.equal(fixed[key], cli[key], key);
    // a dialog file reads the settings as they are
    assert.deepEqual(readTrainOptionsFor('tsv', DEFAULT_TRAIN_OPTIONS), readTrainOptions(DEFAULT_TRAIN_OPTIONS));
    assert.equal(isCharacterTask(readTrainOptionsFor('tsv', DEFAULT_TRAIN_OPTIONS)), false);
    // what the user set wins, as a CLI flag does
    settings.set('model.tokenizer', 'word');
    settings.set('training.includeDefaultPairs', true);
    const chosen = readTrainOptionsFor('fixed', DEFAULT_TRAIN_OPTIONS);
    assert.equal(chosen.tokenizer, 'word');
    assert.equal(chosen.includeDefaultPairs, true);
  });

  test('an untrusted workspace cannot set the limits, threads or decoding bounds', () => {
    const u = manifest.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    for (const key of ['limits.maxFileBytes', 'limits.maxPairs', 'limits.maxVocabulary', 'training.threads', 'decoding.beamWidth', 'decoding.maxReplyLength']) {
      assert.ok(u.restrictedConfigurations?.includes(`seq2seqChat.${key}`), key);
    }
  });
});
