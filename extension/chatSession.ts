/**
 * The conversation shared by every chat surface (side panel view and editor panels): one list of
 * entries, kept in workspaceState so it survives hiding, moving and window reloads, and broadcast to
 * every attached webview. Replies are computed by the current model and streamed token by token: a small
 * model's here at once, a large model's in the reply worker (ModelStore.reply), while the reply's entry
 * shows as streaming; the next question waits for it, so entries keep their order.
 */
import * as vscode from 'vscode';
import { notSureMessage, type Reply } from '../src/chat';
import { MAX_QUESTION_LENGTH, type ChatEntry, type ChatViewState, type ExtensionMessage, type TrainingStatus } from '../src/chat/protocol';
import type { Logger } from './log';
import { exampleQuestions, modelCard } from './modelCard';
import type { CurrentModel, ModelStore } from './modelStore';
import { readConfidenceThreshold, readDecodeOptions } from './settings';

const ENTRIES_KEY = 'seq2seqChat.conversation';
/** Oldest entries are dropped past this many, so workspaceState stays small. */
const MAX_ENTRIES = 200;
/** Delay between streamed tokens; total streaming time is capped by STREAM_BUDGET_MS. */
const TOKEN_DELAY_MS = 25;
const STREAM_BUDGET_MS = 1500;

export interface ChatSurface {
  post(message: ExtensionMessage): void;
}

/** What a bot entry says about its reply besides the text (ChatEntry's confidence, unsure, suggestions, cut). */
export type ReplyFacts = Pick<ChatEntry, 'confidence' | 'unsure' | 'suggestions' | 'cut'>;

/** Suggestions a webview button may ask: at most 3, non-blank, short enough to pass the `ask` validation. */
const MAX_SUGGESTIONS = 3;

/**
 * What the chat shows for a reply: the reply itself when the model is sure, else the not-sure message
 * with the closest trained questions. `threshold` null: the model's own verdict (`reply.sure`); a number:
 * sure when `reply.confidence >= threshold` (seq2seqChat.decoding.confidenceThreshold).
 */
export function presentReply(question: string, reply: Reply, threshold: number | null): { readonly text: string; readonly facts: ReplyFacts } {
  const confidence = Number.isFinite(reply.confidence) ? Math.min(1, Math.max(0, reply.confidence)) : 0;
  const sure = threshold === null ? reply.sure : confidence >= threshold;
  if (sure) return { text: reply.text, facts: { confidence, ...(reply.cut ? { cut: true } : {}) } };
  const suggestions = (reply.suggestions ?? []).filter((q) => typeof q === 'string' && q.trim() !== '' && q.length <= MAX_QUESTION_LENGTH).slice(0, MAX_SUGGESTIONS);
  return { text: notSureMessage(question), facts: { confidence, unsure: true, suggestions } };
}

interface Stream {
  readonly id: number;
  pieces: string[];
  facts: ReplyFacts;
  shown: number;
  timer: NodeJS.Timeout | undefined;
  /** The reply is still being computed (in the reply worker): no pieces yet. */
  computing: boolean;
}

export class ChatSession implements vscode.Disposable {
  private entries: ChatEntry[];
  private nextId: number;
  private readonly surfaces = new Set<ChatSurface>();
  private stream: Stream | null = null;
  /** Settles when the reply being computed in the reply worker has come (or failed); null when none is. */
  private computing: Promise<void> | null = null;
  private training: TrainingStatus | null = null;
  /** The model the conversation last showed (label, kind, training date): another one gets a divider. */
  private shownModel: string | undefined;
  /** Milliseconds the model took to compute the last reply (before streaming), for the bench. */
  lastReplyMs = 0;
  private readonly finished = new vscode.EventEmitter<ChatEntry>();
  /** Fires with each finished bot reply (tests and the bench wait on it). */
  readonly onDidFinishReply = this.finished.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly models: ModelStore,
    private readonly log: Logger,
  ) {
    this.entries = context.workspaceState.get<ChatEntry[]>(ENTRIES_KEY) ?? [];
    this.nextId = this.entries.reduce((m, e) => Math.max(m, e.id), 0) + 1;
  }

  dispose(): void {
    this.stopStream(false);
    this.finished.dispose();
    this.surfaces.clear();
  }

  attach(surface: ChatSurface): vscode.Disposable {
    this.surfaces.add(surface);
    return new vscode.Disposable(() => this.surfaces.delete(surface));
  }

  get surfaceCount(): number {
    return this.surfaces.size;
  }

  state(): ChatViewState {
    const m = this.models.model;
    return {
      entries: this.entries,
      model: m ? { label: m.meta.label, kind: m.model.kind, card: modelCard(m), examples: exampleQuestions(m) } : null,
      training: this.training,
      streaming: this.stream ? this.stream.id : null,
    };
  }

  /** Sends the whole state to every surface (model changed, new chat, ...); a divider marks a model change. */
  refresh(): void {
    const m = this.models.model;
    const shown = m ? JSON.stringify([m.meta.label, m.model.kind, m.model.report?.date ?? '']) : undefined;
    if (shown !== undefined && this.shownModel !== undefined && shown !== this.shownModel && this.entries.length > 0 && m) {
      this.entries = [...this.entries, { id: this.nextId++, role: 'note' as const, text: vscode.l10n.t('Now answering: {0} ({1})', m.meta.label, m.model.kind), divider: true }].slice(-MAX_ENTRIES);
      void this.persist();
    }
    if (shown !== undefined) this.shownModel = shown;
    this.broadcast({ type: 'state', state: this.state() });
  }

  /** The text of entry `id` (the webview's Copy button), or undefined when there is none. */
  entryText(id: number): string | undefined {
    return this.entries.find((e) => e.id === id)?.text;
  }

  setTraining(t: TrainingStatus | null): void {
    this.training = t;
    this.broadcast({ type: 'training', training: t });
  }

  /** Empties the conversation; returns what it held, for Undo. */
  async clear(): Promise<readonly ChatEntry[]> {
    this.stopStream(false);
    const before = this.entries;
    this.entries = [];
    await this.persist();
    this.refresh();
    return before;
  }

  /** Undo of New Chat: the cleared entries come back, before anything asked since. */
  async restore(entries: readonly ChatEntry[]): Promise<void> {
    this.entries = [...entries, ...this.entries].slice(-MAX_ENTRIES);
    this.nextId = this.entries.reduce((m, e) => Math.max(m, e.id), this.nextId - 1) + 1;
    await this.persist();
    this.refresh();
  }

  /**
   * Adds the question, computes the reply with the current model and streams it. Returns the reply entry
   * (a note instead when there is no model, or when the reply could not be computed).
   */
  ask(question: string): Promise<ChatEntry> {
    // The first model load runs after activation; questions asked meanwhile wait for it, in order.
    if (this.models.loading) return this.models.ready.then(() => this.ask(question));
    const text = question.trim();
    if (text === '') return Promise.reject(new Error('expected a non-empty question, got only white space'));
    // A reply still computed in the worker comes first: then this question, after it in the conversation.
    if (this.computing) return this.computing.then(() => this.ask(question));
    // A question asked while the previous reply still streams completes that reply at once (not cut short:
    // a burst of questions gets every answer whole, in order).
    this.flushStream();
    this.push({ id: this.nextId++, role: 'user', text });
    const current = this.models.model;
    if (!current) {
      const note: ChatEntry = { id: this.nextId++, role: 'note', text: vscode.l10n.t('No model yet: train one from a pairs file, or use the default model.') };
      this.push(note);
      void this.persist();
      return Promise.resolve(note);
    }
    const id = this.nextId++;
    this.push({ id, role: 'bot', text: '' });
    const done = new Promise<ChatEntry>((resolve) => {
      const dispose = this.onDidFinishReply((e) => {
        if (e.id === id) {
          dispose.dispose();
          resolve(e);
        }
      });
    });
    const stream: Stream = { id, pieces: [], facts: {}, shown: 0, timer: undefined, computing: true };
    this.stream = stream;
    const started = performance.now();
    const decode = readDecodeOptions();
    let reply: Reply | Promise<Reply>;
    try {
      reply = this.models.reply(current, text, decode);
    } catch (err) {
      this.failReply(stream, current, err);
      return done;
    }
    if (!(reply instanceof Promise)) {
      this.showReply(stream, current, text, reply, started, false);
      return done;
    }
    // Computed in the worker by the model asked (`current`), even when another one answers by the time it
    // comes: the reply then stands before the "Now answering" divider, as that model's, with its label in the log.
    const computing = reply.then(
      (r) => this.showReply(stream, current, text, r, started, true),
      (err: unknown) => this.failReply(stream, current, err),
    );
    this.computing = computing;
    void computing.finally(() => {
      if (this.computing === computing) this.computing = null;
    });
    return done;
  }

  /** Starts streaming `reply` into `stream`'s entry, unless that entry was stopped or cleared meanwhile. */
  private showReply(stream: Stream, current: CurrentModel, text: string, reply: Reply, started: number, inWorker: boolean): void {
    this.lastReplyMs = Math.round((performance.now() - started) * 100) / 100;
    if (this.stream !== stream) return;
    const shown = presentReply(text, reply, readConfidenceThreshold());
    const where = inWorker ? ', in the reply worker' : '';
    // The question and the reply are the user's: only at the Debug level, never in the default log.
    this.log.info(`reply in ${this.lastReplyMs} ms (${current.meta.label}${where}, confidence ${reply.confidence.toFixed(3)}${shown.facts.unsure ? ', not sure' : ''}${reply.cut ? ', cut' : ''})`);
    this.log.debug(
      `reply in ${this.lastReplyMs} ms (${current.meta.label}): ${JSON.stringify(text)} -> ${JSON.stringify(reply.text)}` +
        ` (confidence ${reply.confidence.toFixed(3)}${shown.facts.unsure ? `, not sure; suggestions ${JSON.stringify(shown.facts.suggestions)}` : ''}${reply.cut ? ', cut' : ''})`,
    );
    // The not-sure message streams character by character, like a reply of the character tokenizer.
    stream.pieces = shown.facts.unsure ? Array.from(shown.text) : splitForStreaming(shown.text, reply.tokens.map((t) => t.text));
    stream.facts = shown.facts;
    stream.computing = false;
    this.tick();
  }

  /** The reply could not be computed: its entry becomes a note that says why (and the log has the details). */
  private failReply(stream: Stream, current: CurrentModel, err: unknown): void {
    this.log.error(`reply failed (${current.meta.label})`, err);
    if (this.stream !== stream) return;
    this.stream = null;
    const message = err instanceof Error ? err.message : String(err);
    const entry: ChatEntry = { id: stream.id, role: 'note', text: vscode.l10n.t('Seq2Seq Chat could not compute this reply: {0}', message) };
    this.entries = this.entries.map((e) => (e.id === stream.id ? entry : e));
    void this.persist();
    this.broadcast({ type: 'replyEnd', entry });
    this.finished.fire(entry);
  }

  /**
   * Marks bot reply `id` as confirmed (👍) or corrected (👎) and returns the question it answered and its text.
   * Throws when `id` is not a finished, whole reply (a stopped one is only part of a reply; a not-sure one
   * can be corrected, not confirmed).
   */
  markFeedback(id: number, feedback: 'confirmed' | 'corrected'): { readonly question: string; readonly reply: string } {
    const at = this.entries.findIndex((e) => e.id === id);
    const entry = this.entries[at];
    if (entry === undefined || entry.role !== 'bot' || entry.stopped || this.stream?.id === id) {
      throw new Error(`expected the id of a finished reply, got ${id}${entry ? ` (a ${entry.stopped ? 'stopped reply' : this.stream?.id === id ? 'reply still streaming' : entry.role})` : ''}`);
    }
    if (feedback === 'confirmed' && entry.unsure) throw new Error(`expected a reply the model was sure of to confirm, got the not-sure entry ${id}`);
    const question = this.entries.slice(0, at).reverse().find((e) => e.role === 'user');
    if (question === undefined) throw new Error(`found no question before reply ${id}`);
    const updated: ChatEntry = { ...entry, feedback };
    this.entries = this.entries.map((e) => (e.id === id ? updated : e));
    void this.persist();
    this.broadcast({ type: 'update', entry: updated });
    return { question: question.text, reply: entry.text };
  }

  /** Adds a note to the conversation (a correction saved, learnt or undone). */
  note(text: string): void {
    this.push({ id: this.nextId++, role: 'note', text });
    void this.persist();
  }

  /** The question a bot entry answered: the closest user entry before it (undefined for other entries). */
  questionFor(id: number): string | undefined {
    const at = this.entries.findIndex((e) => e.id === id);
    if (at < 0 || this.entries[at].role !== 'bot') return undefined;
    for (let i = at - 1; i >= 0; i--) if (this.entries[i].role === 'user') return this.entries[i].text;
    return undefined;
  }

  /** Stops the reply being streamed; the entry keeps the tokens shown so far, marked stopped. */
  stop(): void {
    this.stopStream(true);
  }

  private tick(): void {
    const s = this.stream;
    if (!s || s.computing) return;
    if (s.shown >= s.pieces.length) {
      this.finishStream(false);
      return;
    }
    const piece = s.pieces[s.shown++];
    this.broadcast({ type: 'token', id: s.id, text: piece });
    s.timer = setTimeout(() => this.tick(), streamDelayMs(s.pieces.length));
  }

  /** Sends the rest of the reply being streamed in one piece and finishes it normally. */
  private flushStream(): void {
    const s = this.stream;
    if (!s) return;
    if (s.shown < s.pieces.length) {
      this.broadcast({ type: 'token', id: s.id, text: s.pieces.slice(s.shown).join('') });
      s.shown = s.pieces.length;
    }
    this.finishStream(false);
  }

  private stopStream(markStopped: boolean): void {
    if (!this.stream) return;
    // A reply still computed is dropped when it comes: the next question need not wait for it.
    if (this.stream.computing) this.computing = null;
    if (markStopped) this.finishStream(true);
    else {
      clearTimeout(this.stream.timer);
      this.stream = null;
    }
  }

  private finishStream(stopped: boolean): void {
    const s = this.stream;
    if (!s) return;
    clearTimeout(s.timer);
    this.stream = null;
    // A stopped reply does not end with the cut mark, so it is not marked cut; the rest of the facts stay.
    const { cut, ...facts } = s.facts;
    const entry: ChatEntry = { id: s.id, role: 'bot', text: s.pieces.slice(0, s.shown).join(''), ...facts, ...(stopped ? { stopped } : cut ? { cut } : {}) };
    this.entries = this.entries.map((e) => (e.id === s.id ? entry : e));
    void this.persist();
    this.broadcast({ type: 'replyEnd', entry });
    this.finished.fire(entry);
  }

  private push(entry: ChatEntry): void {
    this.entries = [...this.entries, entry].slice(-MAX_ENTRIES);
    this.broadcast({ type: 'entry', entry });
  }

  private persist(): Thenable<void> {
    return this.context.workspaceState.update(ENTRIES_KEY, this.entries);
  }

  private broadcast(m: ExtensionMessage): void {
    for (const s of this.surfaces) s.post(m);
  }
}

/** Pause between two streamed pieces of a reply cut in `pieces` pieces (every chat surface paces alike). */
export function streamDelayMs(pieces: number): number {
  return Math.min(TOKEN_DELAY_MS, Math.floor(STREAM_BUDGET_MS / Math.max(1, pieces)));
}

/**
 * Pieces whose concatenation is exactly `text`: the model's tokens when they already concatenate to it
 * (character tokenizer), else the text cut at word boundaries with the spaces kept (word tokenizer).
 */
export function splitForStreaming(text: string, tokens: readonly string[]): string[] {
  if (tokens.length > 0 && tokens.join('') === text) return tokens.slice();
  const parts = text.split(/(?<=\s)/u);
  return parts.filter((p) => p.length > 0);
}
