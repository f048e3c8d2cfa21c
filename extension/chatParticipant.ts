/**
 * `@seq2seq` in VS Code's own Chat view (issue #15): the current model answers there too, with the same
 * reply, confidence and "did you mean" suggestions as the chat webview (presentReply), streamed piece by
 * piece at the webview's pace. Commands: `/train` (pick a pairs file, run the Train command), `/eval`
 * (the Evaluate command), `/model` (the model card).
 *
 * Hosts without `vscode.chat.createChatParticipant` (forks, older builds) get nothing registered and
 * nothing shown. The reply is computed exactly as the webview's is (ModelStore.reply: a small model's on the
 * host thread, a few milliseconds; a large model's in the reply worker); training and evaluation run in
 * the existing commands.
 */
import * as vscode from 'vscode';
import { isCharacterTask, type Reply } from '../src/chat';
import { presentReply, splitForStreaming, streamDelayMs } from './chatSession';
import type { Logger } from './log';
import type { CurrentModel, ModelStore } from './modelStore';
import { choosePairsFile, isPairsFile } from './pairsFile';
import { readConfidenceThreshold, readDecodeOptions } from './settings';
import type { TrainResult } from './training';
import { baseName } from './uriNames';

/** `<publisher>.<name>` is not required; the id only has to match package.json's chatParticipants entry. */
export const PARTICIPANT_ID = 'seq2seqChat.participant';
/**
 * Hidden command for the in-host tests (not in the palette): with arguments (prompt, command?, pairs file?) it runs
 * the handler with a recording stream; without, it returns the last request that came through the Chat view.
 */
export const TEST_COMMAND = 'seq2seqChat.participantRequest';

/** What the handler needs of the extension: the answering model and the log. */
export interface ParticipantDeps {
  readonly models: Pick<ModelStore, 'model' | 'ready' | 'loading' | 'reply'>;
  readonly log: Logger;
}

/** The parts of a chat request, response stream and token that the handler uses (tests build them). */
export type ParticipantRequest = Pick<vscode.ChatRequest, 'prompt' | 'command' | 'references'>;
export type ParticipantStream = Pick<vscode.ChatResponseStream, 'markdown' | 'progress'>;
export type ParticipantToken = Pick<vscode.CancellationToken, 'isCancellationRequested' | 'onCancellationRequested'>;

/** ChatResult.metadata of our replies: what the followup provider needs (JSON-serialisable). */
export interface ParticipantMetadata {
  readonly command: 'ask' | 'train' | 'eval' | 'model' | 'help';
  readonly confidence?: number;
  readonly unsure?: boolean;
  readonly suggestions?: readonly string[];
  readonly stopped?: boolean;
  readonly trained?: boolean;
}

export interface ParticipantResult {
  readonly metadata: ParticipantMetadata;
  readonly errorDetails?: { readonly message: string };
}

/** Model text shown as text: every ASCII punctuation character backslash-escaped (CommonMark), line breaks kept. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&').replace(/\r?\n/g, '  \n');
}

const percent = (x: number): string => `${Math.round(100 * x)} %`;

/** The line under a reply: how sure the model is, and which model answered. */
export function confidenceLine(confidence: number, unsure: boolean, label: string): string {
  return `\n\n*${unsure ? 'Not sure' : 'Confidence'}: ${percent(confidence)} · ${escapeMarkdown(label)}*`;
}

/**
 * The line under a character-task model's reply (the book's dates and sums) when no confidence threshold is set:
 * its replies are computed from the question, not chosen among trained answers, so the dialog confidence
 * (which leans on the closest trained question) says nothing of them and every reply is shown, as the CLI
 * shows it (src/chat/defaults.ts `decodeFor`). The lowest probability the model gave a character of the
 * reply tells instead how close it came to writing another one.
 */
export function generatedLine(reply: Reply, label: string): string {
  const lowest = reply.tokens.length === 0 ? 0 : reply.tokens.reduce((m, t) => Math.min(m, t.prob), 1);
  return `\n\n*Generated character by character: lowest character probability ${percent(lowest)} · ${escapeMarkdown(label)}*`;
}

/** "Did you mean" list shown with a not-sure reply (the same questions come back as followups). */
export function suggestionsMarkdown(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  return '\n\nDid you mean:\n' + suggestions.map((q) => `- ${escapeMarkdown(q)}`).join('\n');
}

/** Followups for a result: each "did you mean" question asks that question; after training, the model card. */
export function followupsFor(metadata: unknown): vscode.ChatFollowup[] {
  const m = isMetadata(metadata) ? metadata : undefined;
  if (!m) return [];
  if (m.command === 'train' && m.trained) return [{ prompt: 'show the model card', command: 'model', label: 'Show the model card' }];
  if (m.command !== 'ask' || !m.unsure) return [];
  return (m.suggestions ?? []).map((q) => ({ prompt: q, label: `Did you mean "${q}"?` }));
}

function isMetadata(x: unknown): x is ParticipantMetadata {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as { command?: unknown; suggestions?: unknown };
  return typeof m.command === 'string' && (m.suggestions === undefined || (Array.isArray(m.suggestions) && m.suggestions.every((q) => typeof q === 'string')));
}

/** The model card: what the model is, what it was trained on and how well it learned it. */
export function modelCard(current: CurrentModel): string {
  const { model, meta } = current;
  const o = model.options;
  const r = model.report;
  const rows: [string, string][] = [
    ['model', escapeMarkdown(meta.label)],
    ['kind', model.kind],
    ['tokens', `answers by ${o.tokenizer}, questions by ${o.questionTokens === 'words' ? 'word' : o.tokenizer}${o.reverse ? ', question reversed' : ''}`],
    ['size', `hidden ${o.hidden}, embedding ${o.wordvec}`],
    ['vocabulary', `${model.vocabularySize()} answer tokens${model.knowledge?.questionVocabulary ? `, ${model.knowledge.questionVocabulary.size} question words` : ''}`],
  ];
  if (model.knowledge) rows.push(['trained answers', `${model.knowledge.answers.length}`]);
  rows.push(['confidence threshold', model.threshold.toFixed(2)]);
  if (r) {
    rows.push(
      ['pairs', `${r.pairs}${r.defaultPairs ? ` + ${r.defaultPairs} small-talk pairs` : ''}`],
      ['epochs', `${r.epochs} (${r.stoppedBy})`],
      ['accuracy', `${percent(r.accuracy)} exact matches`],
      ['loss', r.loss.toFixed(4)],
      ['trained', `${escapeMarkdown(r.date)} in ${r.seconds.toFixed(1)} s`],
    );
  }
  return `**Seq2Seq Chat model card**\n\n| | |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`;
}

const HELP =
  'Ask me a question, and the model trained in **Seq2Seq Chat** answers it. Commands: `/train` (train on a pairs file), ' +
  '`/eval` (exact-match accuracy on a pairs file), `/model` (the model card).';
const NO_MODEL = 'No model yet: train one with `/train`, or reset to the default model (**Seq2Seq Chat: Reset to Default Model**).';

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A file attached to the request (`#file`), else undefined. */
function referencedPairsFile(request: ParticipantRequest): vscode.Uri | undefined {
  for (const ref of request.references) {
    const v = ref.value;
    if (v instanceof vscode.Uri && isPairsFile(v)) return v;
    if (v instanceof vscode.Location && isPairsFile(v.uri)) return v.uri;
  }
  return undefined;
}

/** Settles with the command's result, or with `undefined` once the request is cancelled (the command keeps running). */
function untilCancelled<T>(work: Thenable<T>, token: ParticipantToken): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const sub = token.onCancellationRequested(() => resolve(undefined));
    work.then(
      (v) => {
        sub.dispose();
        resolve(v);
      },
      (e: unknown) => {
        sub.dispose();
        reject(e);
      },
    );
  });
}

/** The request handler (`vscode.ChatRequestHandler` minus the history it does not use). */
export function createChatHandler(deps: ParticipantDeps): (request: ParticipantRequest, stream: ParticipantStream, token: ParticipantToken) => Promise<ParticipantResult> {
  return async (request, stream, token) => {
    try {
      switch (request.command) {
        case 'train':
          return await train(request, stream, token);
        case 'eval':
          return await evaluate(request, stream, token);
        case 'model':
          return await card(stream);
        default:
          return await answer(request.prompt, stream, token);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.log.error(`@seq2seq ${request.command ? `/${request.command}` : 'reply'}: ${message}`, err);
      return { metadata: { command: 'help' }, errorDetails: { message: `Seq2Seq Chat: ${message}` } };
    }
  };

  async function current(): Promise<CurrentModel | null> {
    if (deps.models.loading) await deps.models.ready;
    return deps.models.model;
  }

  async function answer(prompt: string, stream: ParticipantStream, token: ParticipantToken): Promise<ParticipantResult> {
    const question = prompt.trim();
    if (question === '') {
      stream.markdown(HELP);
      return { metadata: { command: 'help' } };
    }
    const m = await current();
    if (token.isCancellationRequested) return { metadata: { command: 'ask', stopped: true } };
    if (!m) {
      stream.markdown(NO_MODEL);
      return { metadata: { command: 'help' } };
    }
    const reply: Reply = await deps.models.reply(m, question, readDecodeOptions());
    if (token.isCancellationRequested) return { metadata: { command: 'ask', stopped: true } };
    const threshold = readConfidenceThreshold();
    const shown = presentReply(question, reply, threshold);
    const { confidence = 0, unsure = false, suggestions = [] } = shown.facts;
    const generated = threshold === null && isCharacterTask(m.model.options);
    deps.log.info(`@seq2seq (${m.meta.label}): ${JSON.stringify(question)} -> ${JSON.stringify(reply.text)} (confidence ${confidence.toFixed(3)}${unsure ? ', not sure' : ''})`);
    const pieces = unsure ? [shown.text] : splitForStreaming(shown.text, reply.tokens.map((t) => t.text));
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0) await pause(streamDelayMs(pieces.length));
      if (token.isCancellationRequested) return { metadata: { command: 'ask', confidence, unsure, suggestions, stopped: true } };
      stream.markdown(escapeMarkdown(pieces[i]));
    }
    stream.markdown(generated ? generatedLine(reply, m.meta.label) : confidenceLine(confidence, unsure, m.meta.label) + (unsure ? suggestionsMarkdown(suggestions) : ''));
    return { metadata: { command: 'ask', confidence, unsure, suggestions } };
  }

  async function card(stream: ParticipantStream): Promise<ParticipantResult> {
    const m = await current();
    stream.markdown(m ? modelCard(m) : NO_MODEL);
    return { metadata: { command: 'model' } };
  }

  /**
   * Runs the Train or Evaluate command on the attached pairs file (`#file`), else on one the user picks;
   * settles with its result and the file's name (markdown), or undefined (nothing chosen, or cancelled).
   */
  async function runOnPairsFile<T>(request: ParticipantRequest, stream: ParticipantStream, token: ParticipantToken, command: string, verb: string): Promise<{ r: T | undefined; file: string } | undefined> {
    const uri = referencedPairsFile(request) ?? (await choosePairsFile(undefined, `${verb} Seq2Seq Chat model: pick a pairs file`));
    if (!uri) {
      stream.markdown(`No pairs file chosen: nothing done.`);
      return undefined;
    }
    const name = baseName(uri.path);
    stream.progress(`${verb.replace(/e?$/, 'ing')} on ${name} (progress in the notification)…`);
    const r = await untilCancelled(vscode.commands.executeCommand<T | undefined>(command, uri), token);
    return { r, file: escapeMarkdown(name) };
  }

  async function train(request: ParticipantRequest, stream: ParticipantStream, token: ParticipantToken): Promise<ParticipantResult> {
    const run = await runOnPairsFile<TrainResult>(request, stream, token, 'seq2seqChat.train', 'Train');
    if (!run) return { metadata: { command: 'train' } };
    const { r, file } = run;
    if (token.isCancellationRequested) {
      stream.markdown(`Training on ${file} goes on in the background; stop it from its notification.`);
      return { metadata: { command: 'train', stopped: true } };
    }
    if (r?.status === 'completed') {
      stream.markdown(`Trained on ${file}: ${r.report.epochs} epochs, ${percent(r.report.accuracy)} exact matches. The new model answers from now on.`);
      return { metadata: { command: 'train', trained: true } };
    }
    const why = r === undefined ? 'it failed (details in the Seq2Seq Chat log)' : r.status === 'refused' ? 'another training is running' : `it was ${r.status}`;
    stream.markdown(`Not trained on ${file}: ${why}. The model is unchanged.`);
    return { metadata: { command: 'train' } };
  }

  async function evaluate(request: ParticipantRequest, stream: ParticipantStream, token: ParticipantToken): Promise<ParticipantResult> {
    const run = await runOnPairsFile<{ correct: number; total: number }>(request, stream, token, 'seq2seqChat.evaluate', 'Evaluate');
    if (!run) return { metadata: { command: 'eval' } };
    const { r, file } = run;
    if (token.isCancellationRequested) return { metadata: { command: 'eval', stopped: true } };
    if (!r) stream.markdown(`Not evaluated on ${file} (details in the Seq2Seq Chat log).`);
    else stream.markdown(`${r.correct}/${r.total} answers exactly right on ${file} (${r.total === 0 ? '0 %' : percent(r.correct / r.total)}); the wrong ones are listed in the Seq2Seq Chat log.`);
    return { metadata: { command: 'eval' } };
  }
}

/** What the hidden test command returns: the streamed markdown, progress lines, result and followups. */
export interface RecordedRequest {
  readonly markdown: string[];
  readonly progress: string[];
  readonly result: ParticipantResult;
  readonly followups: vscode.ChatFollowup[];
}

/**
 * Registers `@seq2seq` where the host has the chat participant API; elsewhere it only logs that it did not.
 * Also registers the hidden test command, which runs the same handler with a recording stream.
 */
export function registerChatParticipant(context: vscode.ExtensionContext, deps: ParticipantDeps): void {
  const chat = (vscode as { chat?: Partial<typeof vscode.chat> }).chat;
  const handler = createChatHandler(deps);
  /** The last request that came through the Chat view (the in-host test reads it back). */
  let lastFromChatView: { prompt: string; command: string | undefined; result: ParticipantResult } | null = null;
  context.subscriptions.push(
    vscode.commands.registerCommand(TEST_COMMAND, async (prompt: unknown, command: unknown, file: unknown): Promise<RecordedRequest | typeof lastFromChatView> => {
      if (prompt === undefined) return lastFromChatView;
      const markdown: string[] = [];
      const progress: string[] = [];
      const request: ParticipantRequest = {
        prompt: typeof prompt === 'string' ? prompt : '',
        command: typeof command === 'string' ? command : undefined,
        references: file instanceof vscode.Uri ? [{ id: 'vscode.file', value: file }] : [],
      };
      const stream: ParticipantStream = {
        markdown: (v) => markdown.push(typeof v === 'string' ? v : v.value),
        progress: (v) => progress.push(v),
      };
      const result = await handler(request, stream, new vscode.CancellationTokenSource().token);
      return { markdown, progress, result, followups: followupsFor(result.metadata) };
    }),
  );
  if (typeof chat?.createChatParticipant !== 'function') {
    deps.log.info('this host has no chat participant API: @seq2seq is not registered');
    return;
  }
  const participant = chat.createChatParticipant(PARTICIPANT_ID, async (request, _context, stream, token) => {
    const result = await handler(request, stream, token);
    lastFromChatView = { prompt: request.prompt, command: request.command, result };
    return result;
  });
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'chat.svg');
  participant.followupProvider = { provideFollowups: (result) => followupsFor(result.metadata) };
  context.subscriptions.push(participant);
  deps.log.info('@seq2seq registered in the Chat view');
}
