/**
 * The model card: what a model is and how it came to be, in one list — kind (book ch. 7–8: plain, Peeky,
 * Attention), sizes, vocabularies, tokenizer and normalisation, the data it was trained on, its figures and
 * its runs. Pure: built from a ChatModel (and the size of its file, which only the caller can know).
 */
import type { ChatModel } from '../chat/model';
import type { ModelKind, NormalizeOptions, TrainingReport } from '../chat/types';

export interface ModelCard {
  readonly kind: ModelKind;
  /** H and D. */
  readonly hidden: number;
  readonly wordvec: number;
  readonly reverse: boolean;
  /** Weights in the network. */
  readonly parameters: number;
  /** The answers' (decoder's) vocabulary, the 4 reserved tokens included. */
  readonly vocabulary: number;
  /** The questions' own vocabulary, when questions are read as words. */
  readonly questionVocabulary?: number;
  readonly tokenizer: 'char' | 'word';
  readonly questionTokens: 'words' | 'same';
  readonly normalize: NormalizeOptions;
  readonly answers: number;
  readonly questions: number;
  /** Confidence below which a reply is not sure. */
  readonly threshold: number;
  /** The last run's pairs file, when the model keeps its history. */
  readonly dataFile?: string;
  readonly report?: TrainingReport;
  readonly runs: number;
  readonly fileBytes?: number;
}

export function modelCard(model: ChatModel, fileBytes?: number): ModelCard {
  const { engine, knowledge } = model;
  const last = model.history[model.history.length - 1];
  return {
    kind: model.kind,
    hidden: engine.config.hidden,
    wordvec: engine.config.wordvec,
    reverse: engine.config.reverse,
    parameters: engine.params.reduce((s, p) => s + p.rows * p.columns, 0),
    vocabulary: model.vocabulary.size,
    ...(knowledge?.questionVocabulary ? { questionVocabulary: knowledge.questionVocabulary.size } : {}),
    tokenizer: model.options.tokenizer,
    questionTokens: model.options.questionTokens ?? 'same',
    normalize: model.options.normalize,
    answers: knowledge?.answers.length ?? 0,
    questions: knowledge?.questions.length ?? 0,
    threshold: model.threshold,
    ...(last ? { dataFile: last.file } : {}),
    ...(model.report ? { report: model.report } : {}),
    runs: model.history.length,
    ...(fileBytes !== undefined ? { fileBytes } : {}),
  };
}

/** The card as label/value rows, the same in the dashboard and the HTML report. */
export function cardRows(card: ModelCard): [string, string][] {
  const n = (x: number): string => x.toLocaleString('en-US');
  const norm = card.normalize;
  const folds = [norm.nfkc && 'NFKC', norm.lowercase && 'lowercase', norm.collapseSpaces && 'collapse spaces', norm.stripTrailingPunctuation && 'strip trailing punctuation'].filter((x): x is string => typeof x === 'string');
  const r = card.report;
  const rows: [string, string][] = [
    ['kind', `${card.kind}${card.reverse ? ', reversed input' : ''}`],
    ['sizes', `hidden H = ${card.hidden}, embedding D = ${card.wordvec}, ${n(card.parameters)} weights`],
    ['vocabulary', `${n(card.vocabulary)} answer tokens${card.questionVocabulary !== undefined ? `, ${n(card.questionVocabulary)} question words` : ' (shared with questions)'}`],
    ['tokenizer', `answers: ${card.tokenizer === 'word' ? 'words' : 'characters'}; questions: ${card.questionTokens === 'words' ? 'words (stemmed, segmented)' : 'as answers'}`],
    ['normalisation', folds.length > 0 ? `questions: ${folds.join(', ')}` : 'none'],
    ['knows', `${n(card.answers)} answers, ${n(card.questions)} questions; not sure below confidence ${card.threshold}`],
  ];
  if (card.dataFile !== undefined) rows.push(['data file', card.dataFile]);
  if (r) {
    rows.push(['pairs', `${n(r.pairs)}${r.defaultPairs ? ` + ${n(r.defaultPairs)} default` : ''}`]);
    rows.push(['epochs', `${r.epochs} (${r.stoppedBy})`]);
    rows.push(['exact-match', Number.isFinite(r.accuracy) ? `${(r.accuracy * 100).toFixed(1)} %` : '—']);
    rows.push(['trained', `${r.date}${r.seconds > 0 ? `, ${r.seconds.toFixed(1)} s` : ''}`]);
    rows.push(['data hash', r.dataHash === '' ? '—' : r.dataHash.slice(0, 16)]);
  }
  if (card.fileBytes !== undefined) rows.push(['file size', `${n(card.fileBytes)} bytes`]);
  rows.push(['runs', String(card.runs)]);
  return rows;
}
