/**
 * "Who is answering?" (issue #12 item 4): the model card shown on hover in the chat header and in the status
 * bar tooltip, and the example questions the empty chat offers. Pure functions of the current model.
 */
import { plural } from '../src/chat';
import type { CurrentModel } from './modelStore';

/** Most example questions the empty conversation offers. */
const MAX_EXAMPLES = 4;

/** One fact a line: where it comes from, kind, pairs, epochs, exact-match, when it was trained. */
export function modelCard(current: CurrentModel): string[] {
  const { model, meta } = current;
  const r = model.report;
  const lines = [`${meta.label} (${meta.source})`, `kind: ${model.kind}, tokens: ${model.options.tokenizer === 'char' ? 'characters' : 'words'}, H ${model.options.hidden}, D ${model.options.wordvec}`];
  if (r) {
    lines.push(`${plural(r.pairs, 'pair')}${r.defaultPairs ? ` + ${plural(r.defaultPairs, 'small-talk pair')}` : ''}, ${plural(r.epochs, 'epoch')} (${r.stoppedBy})`);
    lines.push(`exact-match ${(r.accuracy * 100).toFixed(1)}% on its training pairs`);
    const date = new Date(r.date);
    if (!Number.isNaN(date.getTime()) && date.getTime() > 0) lines.push(`trained ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  }
  return lines;
}

/**
 * Up to MAX_EXAMPLES trained questions, spread over the list (not just its head, which is often one topic),
 * short ones only (a button, not a paragraph). Kept per model: the chat's state is sent on every change.
 */
export function exampleQuestions(current: CurrentModel): string[] {
  const model = current.model;
  let examples = examplesOf.get(model);
  if (!examples) examplesOf.set(model, (examples = spreadExamples(model.knowledge?.questions ?? [])));
  return examples;
}

const examplesOf = new WeakMap<object, string[]>();

/** How far past its spot in the list an example is looked for. */
const EXAMPLE_SCAN = 1000;

/**
 * MAX_EXAMPLES distinct short questions, from spots spread evenly over `questions`: at each spot the first
 * usable one within EXAMPLE_SCAN. A bounded cost (200,000 questions are not all looked at on the host).
 */
export function spreadExamples(questions: readonly { readonly text: string }[]): string[] {
  const chosen: string[] = [];
  const usable = (q: string): boolean => q.trim() !== '' && q.length <= 60 && !chosen.includes(q);
  const spots = Math.min(MAX_EXAMPLES, questions.length);
  for (let i = 0; i < spots; i++) {
    const from = Math.floor((i * questions.length) / spots);
    for (let j = from; j < Math.min(questions.length, from + EXAMPLE_SCAN); j++) {
      if (usable(questions[j].text)) {
        chosen.push(questions[j].text);
        break;
      }
    }
  }
  return chosen;
}

/** The name Export proposes: `<pairs-name>.s2s` for a trained model ("trained on faq.tsv" → faq.s2s). */
export function exportFileName(meta: CurrentModel['meta']): string {
  const trained = /^trained on (.+)$/.exec(meta.label);
  const imported = /^imported from (.+)$/.exec(meta.label);
  const base = trained ? trained[1].replace(/\.pairs\.[^.]+$|\.[^.]+$/, '') : imported ? imported[1].replace(/\.s2s$/, '') : meta.source === 'default' ? 'default-model' : 'model';
  return `${base.replace(/[\\/:*?"<>|]/g, '_') || 'model'}.s2s`;
}
