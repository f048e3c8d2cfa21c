/** "Who is answering?" (issue #12 items 3–4): Export's proposed name and the examples the empty chat offers. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportFileName, spreadExamples } from '../../../extension/modelCard';

describe('Export proposes <pairs-name>.s2s', () => {
  test('from the pairs file a model was trained on, the file an imported one came from, or the default model', () => {
    assert.equal(exportFileName({ source: 'trained', label: 'trained on faq.tsv' }), 'faq.s2s');
    assert.equal(exportFileName({ source: 'trained', label: 'trained on support.pairs.tsv' }), 'support.s2s');
    assert.equal(exportFileName({ source: 'trained', label: 'trained on qa' }), 'qa.s2s');
    assert.equal(exportFileName({ source: 'imported', label: 'imported from team.s2s' }), 'team.s2s');
    assert.equal(exportFileName({ source: 'default', label: 'default model' }), 'default-model.s2s');
    assert.equal(exportFileName({ source: 'trained', label: 'saved model' }), 'model.s2s');
    assert.equal(exportFileName({ source: 'trained', label: 'trained on a:b?.tsv' }), 'a_b_.s2s');
  });
});

describe('the examples the empty chat offers', () => {
  const q = (texts: string[]): { text: string }[] => texts.map((text) => ({ text }));

  test('distinct short questions spread over the list; blank, long and repeated ones skipped', () => {
    assert.deepEqual(spreadExamples(q(['hi', 'hi', ' ', 'x'.repeat(61), 'bye'])), ['hi', 'bye']);
    assert.deepEqual(spreadExamples(q(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])), ['a', 'c', 'e', 'g']);
    assert.deepEqual(spreadExamples([]), []);
  });

  test('200,000 questions: four from spots spread over the list, looking at a bounded part of it', () => {
    let read = 0;
    const many = Array.from({ length: 200_000 }, (_, i) => ({
      get text(): string {
        read++;
        return i % 50_000 < 10 ? '' : `question ${i}`;
      },
    }));
    assert.deepEqual(spreadExamples(many), ['question 10', 'question 50010', 'question 100010', 'question 150010']);
    assert.ok(read < 100, `read ${read} questions`);
  });
});
