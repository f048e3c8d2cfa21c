/** "Who is answering?" (issue #12 items 3–4): Export's proposed name and the examples the empty chat offers. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportFileName } from '../../../extension/modelCard';

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
